// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { i18n } from '@/i18n';
import {
  type UncataloguedText,
  uncataloguedInScript,
  uncataloguedInVue,
} from '@/test-support/uncataloguedText';

const SOURCE_ROOT = fileURLToPath(new URL('..', import.meta.url));

// Files whose words have not moved into the catalogue yet. The list only shrinks: a file on it that has
// no such words any more fails the test until it is taken off.
const NOT_YET_CATALOGUED = new Set<string>([]);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return ['test-support', 'i18n'].includes(entry.name) ? [] : sourceFiles(path);
    return /\.(vue|ts)$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function uncatalogued(path: string): UncataloguedText[] {
  const file = relative(SOURCE_ROOT, path);
  const source = readFileSync(path, 'utf8');
  return path.endsWith('.vue') ? uncataloguedInVue(source, file) : uncataloguedInScript(source, file);
}

describe('the catalogue', () => {
  const found = sourceFiles(SOURCE_ROOT).flatMap(uncatalogued);

  it('holds every word the app shows: no text in templates or scripts outside it', () => {
    const outside = found
      .filter((text) => !NOT_YET_CATALOGUED.has(text.file))
      .map((text) => `${text.file}:${text.line} ${JSON.stringify(text.text)}`);
    expect(outside).toEqual([]);
  });

  it('lists as not yet catalogued only files that still have such words', () => {
    const stillUncatalogued = new Set(found.map((text) => text.file));
    expect([...NOT_YET_CATALOGUED].filter((file) => !stillUncatalogued.has(file))).toEqual([]);
  });
});

describe('the messages', () => {
  it('all compile, and literal characters come out as written', () => {
    const errors: unknown[] = [];
    const leaves = (node: unknown, path: string): string[] =>
      typeof node === 'string'
        ? [path]
        : Object.entries(node as object).flatMap(([key, child]) =>
            leaves(child, path ? `${path}.${key}` : key),
          );
    const keys = leaves(i18n.global.getLocaleMessage('en'), '');
    for (const key of keys) {
      try {
        i18n.global.t(key, {}, 2);
      } catch (error) {
        errors.push(`${key}: ${error}`);
      }
    }
    expect(keys.length).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    expect(i18n.global.t('directoryImport.searchPlaceholder')).toBe(
      'Search Azure AD, e.g. “ada” or “ada@contoso.com”',
    );
  });
});

describe("the templates' message keys", () => {
  // Scripts' keys are checked by the compiler (`t` takes only catalogue keys); `$t` in templates is not.
  const templates = sourceFiles(SOURCE_ROOT).filter((path) => path.endsWith('.vue'));

  it('name messages the catalogue has', () => {
    const missing = templates.flatMap((path) => {
      const source = readFileSync(path, 'utf8');
      const keys = [...source.matchAll(/\$t\(\s*'([^']+)'|keypath="([^"]+)"/g)].map(
        (match) => match[1] ?? match[2],
      );
      // `$t(`syncRuns.status.${status}`)`: the part before the placeholder must be a group of messages.
      const prefixes = [...source.matchAll(/\$t\(\s*`([^`$]+)\$\{/g)].map((match) =>
        match[1].replace(/\.$/, ''),
      );
      return [
        ...keys.filter((key) => !i18n.global.te(key)),
        ...prefixes.filter((prefix) => typeof i18n.global.tm(prefix) !== 'object'),
      ].map((key) => `${relative(SOURCE_ROOT, path)}: ${key}`);
    });
    expect(templates.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});

describe('the check for words outside the catalogue', () => {
  it('finds text nodes, read attributes and literals in bound expressions of a template', () => {
    const component = [
      '<script setup lang="ts">',
      "const greeting = 'Welcome back';",
      '</script>',
      '<template>',
      '  <h1>Users</h1>',
      '  <NInput placeholder="name" :aria-label="$t(\'users.search\')" />',
      "  <NButton :title=\"busy ? 'Saving…' : $t('users.save')\">{{ $t('users.save') }}</NButton>",
      '  <span class="list__field" type="primary">{{ count }} ✓</span>',
      '</template>',
    ].join('\n');
    expect(uncataloguedInVue(component, 'Sample.vue')).toEqual([
      { file: 'Sample.vue', line: 2, text: 'Welcome back' },
      { file: 'Sample.vue', line: 5, text: 'Users' },
      { file: 'Sample.vue', line: 6, text: 'name' },
      { file: 'Sample.vue', line: 7, text: 'Saving…' },
    ]);
  });

  it('finds prose in string and template literals of a script, not identifiers or keys', () => {
    const script = [
      "import { t } from '@/i18n';",
      "const tag = { type: 'success', 'aria-label': t('runs.status') };",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is code with a template literal
      'message.success(`${count} users imported`);',
      "throw new Error('Could not start');",
      "const key = 'shell.page.users';",
    ].join('\n');
    expect(uncataloguedInScript(script, 'sample.ts')).toEqual([
      { file: 'sample.ts', line: 3, text: '{} users imported' },
      { file: 'sample.ts', line: 4, text: 'Could not start' },
    ]);
  });
});
