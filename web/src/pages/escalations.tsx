/** A supervisor's escalations (to be built). */
import { t } from '../i18n';
import type { Actor } from '../session';

export function EscalationsPage(_: { actor: Actor }) {
  return <h1>{t('escalations')}</h1>;
}
