/** Opening a case: the template chosen, then its form (to be built). */
import { t } from '../i18n';
import type { Actor } from '../session';

export function OpenCasePage(_: { actor: Actor }) {
  return <h1>{t('navCases')}</h1>;
}
