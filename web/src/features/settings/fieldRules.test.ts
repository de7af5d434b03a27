import { describe, expect, it } from 'vitest';
import {
  authorityHostRule,
  clientIdRule,
  cronRule,
  deletionThresholdPercentRule,
  graphBaseUrlRule,
  intervalMinutesRule,
  nextCronRuns,
  notifyEmailsRule,
  retainRunsRule,
  tenantIdRule,
  timezoneRule,
  webhookUrlRule,
} from './fieldRules';
import { timeZoneOptions } from './timeZones';

describe('settings field rules', () => {
  it('take a tenant as a GUID or a domain, and say what one looks like otherwise', () => {
    expect(tenantIdRule('contoso.onmicrosoft.com')).toBeNull();
    expect(tenantIdRule(' 72f988bf-86f1-41af-91ab-2d7cd011db47 ')).toBeNull();
    expect(tenantIdRule('')).toMatch(/^Enter the directory \(tenant\) ID/);
    expect(tenantIdRule('contoso/tenant')).toMatch(/GUID or a domain/);
    expect(tenantIdRule('a'.repeat(101))).toMatch(/GUID or a domain/);
  });

  it('take a client id of letters, digits and hyphens', () => {
    expect(clientIdRule('1b4c2d3e-0000-4000-8000-123456789abc')).toBeNull();
    expect(clientIdRule('')).toMatch(/^Enter the application/);
    expect(clientIdRule('app.id')).toMatch(/letters, digits and hyphens only/);
  });

  it('take endpoints only as https:// addresses, never repeating a schema pattern', () => {
    expect(authorityHostRule('https://login.microsoftonline.us')).toBeNull();
    expect(authorityHostRule('http://login.microsoftonline.com')).toBe(
      'The authority host is an https:// address, such as https://login.microsoftonline.com.',
    );
    expect(graphBaseUrlRule('')).toMatch(/^Enter the Microsoft Graph base URL/);
    expect(graphBaseUrlRule('https://')).toMatch(/cannot be read as an address/);
    for (const message of [authorityHostRule('ftp://x'), graphBaseUrlRule('graph')])
      expect(message).not.toMatch(/must match|pattern/);
  });

  it('read a cron expression as the scheduler does, and say its shape when it is not one', () => {
    expect(cronRule('0 2 * * *')).toBeNull();
    expect(cronRule('*/15 * * * 1-5')).toBeNull();
    expect(cronRule('')).toMatch(/^Enter a cron expression/);
    expect(cronRule('0 2 * *')).toMatch(/^This is not a cron expression\. Write five fields/);
    expect(cronRule('every day')).toMatch(/^This is not a cron expression/);
  });

  it('preview the next runs in the chosen time zone', () => {
    const after = new Date('2026-03-28T12:00:00Z');
    const berlin = nextCronRuns('0 2 * * *', 'Europe/Berlin', 3, after).map((run) => run.toISOString());
    // 02:00 in Berlin: UTC+1 before the change to summer time on 29 March, UTC+2 after it (02:00 then does
    // not exist that night: croner runs it at 03:00 local).
    expect(berlin[0]).toBe('2026-03-29T01:00:00.000Z');
    expect(berlin[2]).toBe('2026-03-31T00:00:00.000Z');
    expect(nextCronRuns('0 2 * * *', '', 1, after)[0].toISOString()).toBe('2026-03-29T02:00:00.000Z');
  });

  it('take a time zone only from the IANA list; empty means UTC', () => {
    expect(timezoneRule('')).toBeNull();
    expect(timezoneRule('America/New_York')).toBeNull();
    expect(timezoneRule('Mars/Olympus')).toBe(
      '“Mars/Olympus” is not a time zone. Pick one from the list, such as Europe/Berlin.',
    );
    const options = timeZoneOptions('');
    expect(options[0]).toEqual({ label: 'UTC', value: 'UTC' });
    expect(options.some((option) => option.value === 'Europe/Berlin')).toBe(true);
    expect(options.find((option) => option.value === 'America/New_York')?.label).toBe('America/New York');
  });

  it('take whole numbers within the contract’s bounds', () => {
    expect(intervalMinutesRule(60)).toBeNull();
    expect(intervalMinutesRule(0)).toMatch(/whole number from 1 to 44,640/);
    expect(intervalMinutesRule(null)).toMatch(/whole number/);
    expect(intervalMinutesRule(1.5)).toMatch(/whole number/);
    expect(retainRunsRule(100001)).toMatch(/from 1 to 100,000/);
    expect(deletionThresholdPercentRule(100)).toBeNull();
    expect(deletionThresholdPercentRule(120)).toBe('Enter a share from 0 to 100 percent.');
  });

  it('take a webhook as an http(s) address and name the addresses that are not email addresses', () => {
    expect(webhookUrlRule('')).toBeNull();
    expect(webhookUrlRule('https://hooks.example.com/x')).toBeNull();
    expect(webhookUrlRule('hooks.example.com')).toMatch(/http:\/\/ or https:\/\/ address/);
    expect(notifyEmailsRule(['ops@example.com'])).toBeNull();
    expect(notifyEmailsRule(['ops@example.com', 'ops'])).toBe('Not an email address: ops.');
  });
});
