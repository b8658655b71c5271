/** How the claim's panels write a share of the claimed amount, in the reader's language. */
import { currentLang } from '../../../web/src/i18n';

/** A ratio as a percentage: 0.5 → "50%" (the template's ratio is taken to millionths). */
export function fmtRatio(ratio: number): string {
  return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 4 }).format(ratio);
}
