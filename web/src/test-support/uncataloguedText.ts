import ts from 'typescript';
import { parse } from 'vue/compiler-sfc';

/** A piece of text a person would read that is written in the code instead of coming from the catalogue. */
export interface UncataloguedText {
  file: string;
  line: number;
  text: string;
}

// Attributes whose value is always read by people (or by assistive technology for them).
const READ_ATTRIBUTES = new Set([
  'title',
  'placeholder',
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'alt',
  'label',
  'description',
  'content',
  'positive-text',
  'negative-text',
  'tab',
  'summary',
  'empty',
]);

// Attributes whose value is code, whatever it looks like.
const CODE_ATTRIBUTES = new Set([
  'class',
  'style',
  'id',
  'href',
  'src',
  'pattern',
  'autocomplete',
  'data-testid',
]);

// Text that looks like words but is not for reading: a font stack, a media query, the service's header.
const NOT_PROSE = new Set([
  'Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
  '(max-width: {}px)',
  'ApiError',
]);

const LETTERS = /\p{L}/u;

/**
 * Whether a string in code reads as words for people: two words apart, or a capitalised word. A lone
 * lower-case word ('primary', 'ascend') is taken for an identifier.
 */
export function looksLikeProse(text: string): boolean {
  const words = text.replace(/\{\}/g, ' ').trim();
  // A path or an address (`/api/sync/runs/${id}`) is code, whatever its segments say.
  if (!words || NOT_PROSE.has(text) || text.startsWith('/')) return false;
  return /\p{L}{2,}[\p{L}\p{P}]*\s+[\p{P}]*\p{L}/u.test(words) || /^\p{Lu}\p{Ll}/u.test(words);
}

/** String and template literals that read as prose, in TypeScript (a script, or a template's expression). */
export function uncataloguedInScript(source: string, file: string, firstLine = 1): UncataloguedText[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: UncataloguedText[] = [];
  const report = (node: ts.Node, text: string) => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
    found.push({ file, line: firstLine + line, text });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const isName = ts.isPropertyAssignment(node.parent) && node.parent.name === node;
      if (!isName && looksLikeProse(node.text)) report(node, node.text);
      return;
    }
    if (ts.isTemplateExpression(node)) {
      const text = [node.head.text, ...node.templateSpans.map((span) => `{}${span.literal.text}`)].join('');
      if (looksLikeProse(text)) report(node, text);
      for (const span of node.templateSpans) visit(span.expression);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

interface TemplateNode {
  type: number;
  content?: string | { content?: string; loc: { start: { line: number } } };
  name?: string;
  value?: { content: string } | undefined;
  exp?: { content?: string; loc: { start: { line: number } } };
  props?: TemplateNode[];
  children?: TemplateNode[];
  loc: { start: { line: number } };
}

// The node types of Vue's template parser (@vue/compiler-core's NodeTypes).
const ELEMENT = 1;
const TEXT = 2;
const INTERPOLATION = 5;
const ATTRIBUTE = 6;
const DIRECTIVE = 7;

/** Text nodes, read attributes and the literals of bound expressions of a single-file component. */
export function uncataloguedInVue(source: string, file: string): UncataloguedText[] {
  const { descriptor } = parse(source, { filename: file });
  const found: UncataloguedText[] = [];
  for (const block of [descriptor.script, descriptor.scriptSetup]) {
    if (block) found.push(...uncataloguedInScript(block.content, file, block.loc.start.line));
  }
  const expression = (code: string | undefined, line: number) => {
    if (code) found.push(...uncataloguedInScript(`(${code});`, file, line));
  };
  const visit = (node: TemplateNode): void => {
    if (node.type === TEXT && typeof node.content === 'string' && LETTERS.test(node.content)) {
      found.push({ file, line: node.loc.start.line, text: node.content.trim() });
    }
    if (node.type === INTERPOLATION && typeof node.content === 'object') {
      expression(node.content.content, node.content.loc.start.line);
    }
    for (const prop of node.type === ELEMENT ? (node.props ?? []) : []) {
      if (prop.type === ATTRIBUTE && prop.name && prop.value && !CODE_ATTRIBUTES.has(prop.name)) {
        const text = prop.value.content;
        if ((READ_ATTRIBUTES.has(prop.name) && LETTERS.test(text)) || looksLikeProse(text)) {
          found.push({ file, line: prop.loc.start.line, text });
        }
      }
      if (prop.type === DIRECTIVE && prop.exp) expression(prop.exp.content, prop.exp.loc.start.line);
    }
    for (const child of node.children ?? []) visit(child);
  };
  if (descriptor.template?.ast) visit(descriptor.template.ast as unknown as TemplateNode);
  return found;
}
