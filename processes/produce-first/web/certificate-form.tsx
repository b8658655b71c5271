/**
 * Filing a certificate for an obligation (POST /v1/cases/{caseId}/certificates), by the enterprise
 * or by a caseworker of the opening department on its behalf. Each form sends one Idempotency-Key
 * for what it holds, so a double submit files once; editing after a refusal makes it a new request
 * with a new key (the server refuses a key reused for a different body). A refusal is shown at the
 * fields it names, and what was typed stays.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiProblem, ok, type Schemas } from '../../../web/src/api/client';
import type { CaseView } from '../../../web/src/api/types';
import type { Act } from '../../../web/src/processes';
import { DocumentPicker, type Uploaded } from '../../../web/src/documents';
import { errorsAt, Field, FormActions, ProblemView } from '../../../web/src/ui';
import { m } from './strings';
import type { Obligation } from './view';

type Certificate = Schemas['Certificate'];
type Typed = Omit<Certificate, 'qualification' | 'document'>;
const FIELDS: { name: keyof Typed; label: () => string; date?: true }[] = [
  { name: 'number', label: () => m('certNumber') },
  { name: 'issuer', label: () => m('issuer') },
  { name: 'issuedAt', label: () => m('issuedOn'), date: true },
];
const EMPTY: Typed = { number: '', issuer: '', issuedAt: '' };

const FIELD_PATHS = ['body.qualification', 'body.document', ...FIELDS.map((f) => `body.${f.name}`)];
const atAField = (path: string) => FIELD_PATHS.some((p) => path === p || path.startsWith(`${p}.`));

/** The refusal as the form's summary shows it: without the errors shown at their fields already. */
function unplaced(error: unknown): unknown {
  if (!(error instanceof ApiProblem)) return error;
  return new ApiProblem(error.status, { ...error.problem, errors: (error.problem.errors ?? []).filter((e) => !atAField(e.path)) });
}

/**
 * The form for one obligation. It stays mounted while hidden (`shown` false), so switching between
 * obligations loses nothing typed.
 */
export function CertificateForm({
  caseId,
  obligation,
  act,
  shown,
  onClose,
}: {
  caseId: string;
  obligation: Obligation;
  act: Act;
  shown: boolean;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState<Typed>(EMPTY);
  // The certificate's scan: one file, uploaded when chosen.
  const [scan, setScan] = useState<Uploaded[]>([]);
  const [problem, setProblem] = useState<unknown>();
  const [key, setKey] = useState(() => crypto.randomUUID());
  // Whether the current key went out with what the form holds: an edit after that is a new request.
  const sent = useRef(false);
  const first = useRef<HTMLInputElement>(null);
  // Opened from its button: the keyboard goes to where the typing starts.
  useEffect(() => {
    if (shown) first.current?.focus();
  }, [shown]);

  const changed = () => {
    if (sent.current) {
      sent.current = false;
      setKey(crypto.randomUUID());
    }
  };
  const edit = (name: keyof Typed, value: string) => {
    changed();
    setTyped((t) => ({ ...t, [name]: value }));
  };

  const submit = async () => {
    sent.current = true;
    setProblem(undefined);
    const chosen = scan.at(-1);
    if (!chosen) return setProblem(new ApiProblem(400, { detail: m('scanNeeded'), errors: [{ path: 'body.document', message: m('scanNeeded') }] }));
    const body: Certificate = { qualification: obligation.qualification, ...typed, document: { digest: chosen.digest } };
    try {
      const answer = (await ok(
        api.POST('/v1/cases/{caseId}/certificates', { params: { path: { caseId }, header: { 'idempotency-key': key } }, body }),
      )) as CaseView;
      // The answer is the new case view: the page shows it (and this form goes, the obligation now awaiting verification).
      await act(async () => answer);
    } catch (err) {
      setProblem(err);
    }
  };

  const title = m('fileFor', { title: obligation.title });
  return (
    // Hidden on a wrapper: the form's own flex layout would override the `hidden` attribute.
    <div id={formId(obligation.qualification)} hidden={!shown}>
      <form
        class="stack certificate-form"
        aria-label={title}
        data-qualification={obligation.qualification}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h4>{title}</h4>
        <Field
          label={m('qualification')}
          errors={errorsAt(problem, 'body.qualification')}
          render={(a) => <input {...a} readOnly value={obligation.qualification} />}
        />
        {FIELDS.map((f, i) => (
          <Field
            key={f.name}
            label={f.label()}
            errors={errorsAt(problem, `body.${f.name}`)}
            render={(a) => {
              const props = {
                ...a,
                ref: i === 0 ? first : undefined,
                required: true,
                value: typed[f.name],
                onInput: (e: Event) => edit(f.name, (e.target as HTMLInputElement).value),
              };
              return f.date ? <input {...props} type="date" /> : <input {...props} />;
            }}
          />
        ))}
        <DocumentPicker
          label={m('document')}
          documents={scan.slice(-1)}
          onChange={(d) => {
            changed();
            setScan(d.slice(-1));
          }}
          errors={errorsAt(problem, 'body.document')}
          required
        />
        <ProblemView error={unplaced(problem)} />
        <FormActions submit={m('send')} kind="primary" onCancel={onClose} />
      </form>
    </div>
  );
}

/** The id of an obligation's form, for the button that opens it (aria-controls). */
export const formId = (qualification: string): string => `certificate-${qualification}`;
