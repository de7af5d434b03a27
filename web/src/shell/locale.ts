import { enUS, type NLocale } from 'naive-ui';

// Naive UI puts "Please Input" into every text and number box without a placeholder of its own: an empty box
// says more than a placeholder that is not an example of what to type.
export const locale: NLocale = {
  ...enUS,
  Input: { ...enUS.Input, placeholder: '' },
  InputNumber: { ...enUS.InputNumber, placeholder: '' },
};
