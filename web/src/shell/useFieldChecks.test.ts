import { describe, expect, it } from 'vitest';
import { nextTick, reactive } from 'vue';
import { useFieldChecks } from './useFieldChecks';

const required = (value: string) => (value.trim() ? null : 'Enter a name.');

describe('field checks', () => {
  it('say nothing of a field until it is changed, then speak as it is typed', () => {
    const form = reactive({ name: '', city: '' });
    const checks = useFieldChecks(form, () => ({ name: required, city: required }));
    expect(checks.errorOf('name')).toBeUndefined();
    form.name = 'Ada';
    expect(checks.errorOf('name')).toBeUndefined();
    form.name = ' ';
    expect(checks.errorOf('name')).toBe('Enter a name.');
    expect(checks.errorOf('city')).toBeUndefined();
  });

  it('let every rule speak once a save is tried, and focus the first wrong field', async () => {
    document.body.innerHTML = '<input id="name"><input id="city">';
    const form = reactive({ name: 'Ada', city: '' });
    const checks = useFieldChecks(form, () => ({ name: required, city: required }));
    expect(checks.checkBeforeSave()).toBe(false);
    expect(checks.errorOf('city')).toBe('Enter a name.');
    await nextTick();
    expect(document.activeElement?.id).toBe('city');
    form.city = 'Paris';
    expect(checks.checkBeforeSave()).toBe(true);
  });

  it('keep a refusal of the service at its field until the value changes', () => {
    const form = reactive({ name: 'Ada' });
    const checks = useFieldChecks(form, () => ({ name: required }));
    expect(checks.refuse({ name: 'This name is taken.' })).toBe(true);
    expect(checks.errorOf('name')).toBe('This name is taken.');
    form.name = 'Grace';
    expect(checks.errorOf('name')).toBeUndefined();
    expect(checks.refuse({})).toBe(false);
  });

  it('count only the rules of the fields that apply now', () => {
    const form = reactive({ byCron: false, cron: '' });
    const checks = useFieldChecks(form, () => (form.byCron ? { cron: required } : {}));
    expect(checks.checkBeforeSave()).toBe(true);
    form.byCron = true;
    expect(checks.checkBeforeSave()).toBe(false);
  });

  it('start over when the form is loaded again', () => {
    const form = reactive({ name: '' });
    const checks = useFieldChecks(form, () => ({ name: required }));
    checks.checkBeforeSave();
    Object.assign(form, { name: '' });
    checks.reset();
    expect(checks.errorOf('name')).toBeUndefined();
  });
});
