import type { GlobalThemeOverrides } from 'naive-ui';

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
};
