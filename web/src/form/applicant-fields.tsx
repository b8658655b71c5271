/**
 * The applicant part of the opening form: the enterprise's credit code (checked as typed with the
 * GB 32100-2015 check character, and then whether it is a key SME, whose cases are served first),
 * its name and its contact person. An applicant opens for its own enterprise only: its code is the
 * one its sign-in carries, shown read-only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { isValidCreditCode } from '../../../common/credit-code.js';
import { api, ApiProblem, ok, type Schemas } from '../api/client';
import { useAsync } from '../ui';
import { useFieldErrors } from './field-errors';
import { Group, Row } from './labelled';
import { m } from './messages';

export type ApplicantValue = Schemas['Applicant'];

export const emptyApplicant = (creditCode = ''): ApplicantValue => ({ creditCode, name: '', contact: { name: '', phone: '', email: '' } });

const text = (e: Event) => (e.target as HTMLInputElement).value;

export function ApplicantFields({ value, onChange, ownCode }: { value: ApplicantValue; onChange: (v: ApplicantValue) => void; ownCode?: string }) {
  const contact = (change: Partial<ApplicantValue['contact']>) => onChange({ ...value, contact: { ...value.contact, ...change } });
  const errors = {
    name: useFieldErrors('body.applicant.name'),
    contact: useFieldErrors('body.applicant.contact'),
    contactName: useFieldErrors('body.applicant.contact.name'),
    phone: useFieldErrors('body.applicant.contact.phone'),
    email: useFieldErrors('body.applicant.contact.email'),
  };
  return (
    <Group legend={m('applicant')} required>
      <CreditCodeField value={value.creditCode} readOnly={ownCode !== undefined} onChange={(creditCode) => onChange({ ...value, creditCode })} />
      <Row
        label={m('enterpriseName')}
        required
        errors={errors.name}
        render={(a) => <input {...a} value={value.name} maxLength={200} autoComplete="organization" onInput={(e) => onChange({ ...value, name: text(e) })} />}
      />
      <Group legend={m('contact')} required errors={errors.contact}>
        <Row
          label={m('contactName')}
          required
          errors={errors.contactName}
          render={(a) => <input {...a} value={value.contact.name} maxLength={100} autoComplete="name" onInput={(e) => contact({ name: text(e) })} />}
        />
        <Row
          label={m('phone')}
          required
          errors={errors.phone}
          render={(a) => <input {...a} type="tel" value={value.contact.phone} maxLength={20} autoComplete="tel" onInput={(e) => contact({ phone: text(e) })} />}
        />
        <Row
          label={m('email')}
          required
          errors={errors.email}
          render={(a) => (
            <input {...a} type="email" value={value.contact.email} maxLength={200} autoComplete="email" onInput={(e) => contact({ email: text(e) })} />
          )}
        />
      </Group>
    </Group>
  );
}

function CreditCodeField({ value, readOnly, onChange }: { value: string; readOnly: boolean; onChange: (v: string) => void }) {
  const serverErrors = useFieldErrors('body.applicant.creditCode');
  const [touched, setTouched] = useState(false);
  const valid = isValidCreditCode(value);
  const ref = useRef<HTMLInputElement>(null);
  // The browser refuses to submit a code whose check character is wrong, with the reason shown here.
  useEffect(() => ref.current?.setCustomValidity(valid ? '' : m('creditCodeBad')), [valid]);
  const shown = !valid && (touched || value.length >= 18) ? [m('creditCodeBad'), ...serverErrors] : serverErrors;
  return (
    <>
      <Row
        label={m('creditCode')}
        hint={readOnly ? m('ownCreditCode') : m('creditCodeHint')}
        required
        errors={shown}
        render={(a) => (
          <input
            {...a}
            ref={ref}
            value={value}
            readOnly={readOnly}
            maxLength={18}
            autoComplete="off"
            spellcheck={false}
            class="code-input"
            onInput={(e) => onChange(text(e).toUpperCase())}
            onBlur={() => setTouched(true)}
          />
        )}
      />
      {valid && <KeySmeStatus creditCode={value} />}
    </>
  );
}

/** Whether the enterprise is on the key-SME list: 200 it is, 404 it is not. */
function KeySmeStatus({ creditCode }: { creditCode: string }) {
  const listed = useAsync(
    () =>
      ok(api.GET('/v1/key-smes/{creditCode}', { params: { path: { creditCode } } })).then(
        () => true,
        (e: unknown) => {
          if (e instanceof ApiProblem && e.status === 404) return false;
          throw e;
        },
      ),
    [creditCode],
  );
  let said: string | undefined;
  if (listed.error) said = m('keySmeUnknown');
  else if (listed.data !== undefined && !listed.loading) said = listed.data ? m('keySme') : m('notKeySme');
  return (
    <p class="key-sme" role="status" data-key-sme={listed.loading ? undefined : String(listed.data ?? 'unknown')}>
      {said && <span class={listed.data ? 'badge priority' : 'muted'}>{listed.data ? `★ ${said}` : said}</span>}
    </p>
  );
}
