/**
 * Opening a case (applicants for their own enterprise, caseworkers for any): the template chosen
 * (kept in the address), then its form: the applicant, and the details built from the template's
 * details schema (GET /v1/templates/{id}/details-schema, the JSON Schema of the zod schema the API
 * opens with). One Idempotency-Key per form instance, so a double submit or a retry opens one case.
 */
import { useRef, useState } from 'preact/hooks';
import { api, ApiProblem, ok } from '../api/client';
import type { TemplateSummary } from '../api/types';
import { ApplicantFields, emptyApplicant, type ApplicantValue } from '../form/applicant-fields';
import { FieldErrorsContext, fieldErrorsOf } from '../form/field-errors';
import { initialValue, type JsonSchema } from '../form/json-schema';
import { m as formText } from '../form/messages';
import { SchemaForm } from '../form/schema-form';
import '../form/form.css';
import { messages, t } from '../i18n';
import { navigate, useLocation } from '../router';
import { hasRole, type Actor } from '../session';
import { DocumentPicker, type Uploaded } from '../documents';
import { errorsAt, Field, Loading, ProblemView, useAsync } from '../ui';

const m = messages(
  {
    title: 'Open a case',
    chooseTemplate: 'Template',
    chooseHint: 'What the enterprise applies for; the form follows the template.',
    choose: '— choose a template —',
    submit: 'Open the case',
    opening: 'Opening…',
    noOrg: 'Your sign-in names no enterprise (organisation), so you cannot open a case.',
    documents: 'Documents filed with the application',
  },
  {
    title: '申请办理',
    chooseTemplate: '事项模板',
    chooseHint: '企业申请的事项；表单随模板而定。',
    choose: '— 请选择模板 —',
    submit: '提交申请',
    opening: '正在提交…',
    noOrg: '您的登录信息未包含企业（组织），无法申请办理。',
    documents: '随申请提交的材料',
  },
);

const mayOpen = (actor: Actor) => hasRole(actor, 'caseworker', 'applicant');

/** The Cases page's way here, for those who may open cases. */
export function OpenCaseLink({ actor }: { actor: Actor }) {
  if (!mayOpen(actor)) return null;
  return (
    <p>
      <a class="button-link" href="/cases/new">
        {m('title')}
      </a>
    </p>
  );
}

export function OpenCasePage({ actor }: { actor: Actor }) {
  const { query } = useLocation();
  const templateId = query.get('template') ?? '';
  const templates = useAsync(() => ok(api.GET('/v1/templates')), []);
  // An applicant opens for the enterprise its sign-in names; a caseworker for any.
  const ownCode = hasRole(actor, 'caseworker') ? undefined : actor.org;
  let body;
  if (!mayOpen(actor)) body = <p>{t('notAllowed')}</p>;
  else if (!hasRole(actor, 'caseworker') && !actor.org) body = <p>{m('noOrg')}</p>;
  else
    body = (
      <Loading when={templates}>
        {() => (
          <>
            <TemplateChoice templates={templates.data!} value={templateId} />
            {templateId && <TemplateForm key={templateId} templateId={templateId} ownCode={ownCode} />}
          </>
        )}
      </Loading>
    );
  return (
    <section class="open-case">
      <h1>{m('title')}</h1>
      {body}
    </section>
  );
}

function TemplateChoice({ templates, value }: { templates: TemplateSummary[]; value: string }) {
  return (
    <Field
      label={m('chooseTemplate')}
      hint={m('chooseHint')}
      render={(a) => (
        <select {...a} value={value} onChange={(e) => navigate(`/cases/new?template=${encodeURIComponent((e.target as HTMLSelectElement).value)}`, true)}>
          <option value="">{m('choose')}</option>
          {templates.map((tpl) => (
            <option key={tpl.id} value={tpl.id}>
              {tpl.title} (v{tpl.version})
            </option>
          ))}
        </select>
      )}
    />
  );
}

function TemplateForm({ templateId, ownCode }: { templateId: string; ownCode?: string }) {
  const schema = useAsync(() => ok(api.GET('/v1/templates/{id}/details-schema', { params: { path: { id: templateId } } })), [templateId]);
  return (
    <Loading when={schema}>
      {() => (
        <OpenCaseForm
          key={schema.data!.version}
          templateId={templateId}
          version={schema.data!.version}
          schema={schema.data!.schema as JsonSchema}
          ownCode={ownCode}
        />
      )}
    </Loading>
  );
}

function OpenCaseForm({ templateId, version, schema, ownCode }: { templateId: string; version: number; schema: JsonSchema; ownCode?: string }) {
  const [applicant, setApplicant] = useState<ApplicantValue>(() => emptyApplicant(ownCode));
  const [details, setDetails] = useState(() => initialValue(schema, true));
  const [documents, setDocuments] = useState<Uploaded[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Set at once (state is not, until the next render): a second click in the same moment sends nothing.
  const inFlight = useRef(false);
  // One key for this form's opening: a retry after a lost answer replays it instead of opening twice.
  const key = useRef(crypto.randomUUID());
  const summary = useRef<HTMLDivElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(undefined);
    try {
      const opened = await ok(
        api.POST('/v1/cases', {
          params: { header: { 'idempotency-key': key.current } },
          body: {
            templateId,
            templateVersion: version,
            applicant,
            details: (details ?? {}) as Record<string, unknown>,
            documents: documents.map((d) => ({ digest: d.digest })),
          },
        }),
      );
      navigate(`/cases/${encodeURIComponent(opened.caseId)}`);
    } catch (err) {
      // A refusal opened nothing: the corrected form is a new request, with a key of its own.
      if (err instanceof ApiProblem && err.status < 500) key.current = crypto.randomUUID();
      setError(err);
      inFlight.current = false;
      setBusy(false);
      requestAnimationFrame(() => summary.current?.focus());
    }
  }

  return (
    <FieldErrorsContext.Provider value={fieldErrorsOf(error)}>
      <form class="schema-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <div ref={summary} tabIndex={-1} class="form-summary">
          <ProblemView error={error} />
        </div>
        <p class="hint">{formText('requiredNote')}</p>
        <ApplicantFields value={applicant} onChange={setApplicant} ownCode={ownCode} />
        <SchemaForm label={t('details')} schema={schema} root={['body', 'details']} value={details} onChange={setDetails} />
        <DocumentPicker label={m('documents')} documents={documents} onChange={setDocuments} errors={errorsAt(error, 'body.documents')} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? m('opening') : m('submit')}
          </button>
        </div>
      </form>
    </FieldErrorsContext.Provider>
  );
}
