import type { GlobalThemeOverrides } from 'naive-ui';

// Text colours dark enough for WCAG AA (4.5:1) on the tags' tinted backgrounds and on white: Naive UI's
// defaults (#18a058 on pale green, #f0a020 on pale yellow, grey empty-state text) fall below it.
const readable = {
  success: '#0b6b3a',
  info: '#0b58b0',
  warning: '#8a4b00',
  error: '#b0203f',
  secondary: '#4b5563',
};

// Bold Reports' blue, so the pages sit naturally beside the reporting server's own.
export const themeOverrides: GlobalThemeOverrides = {
  common: {
    primaryColor: '#0565ff',
    primaryColorHover: '#2f7fff',
    primaryColorPressed: '#0451cc',
    primaryColorSuppl: '#2f7fff',
    borderRadius: '6px',
    fontFamily: 'Inter, "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif',
  },
  Tag: {
    textColor: '#1f2937',
    textColorSuccess: readable.success,
    textColorInfo: readable.info,
    textColorWarning: readable.warning,
    textColorError: readable.error,
  },
  Empty: {
    textColor: readable.secondary,
  },
};
