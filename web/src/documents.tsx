/**
 * Documents in the browser: choosing files uploads each at once (POST /v1/documents, which judges
 * its type by the bytes and refuses what is too large); a form then names them by digest. Filed
 * documents download through their case, so whoever may read the case may read them.
 */
import { useState } from 'preact/hooks';
import { ApiProblem, downloadFile, rawFetch, type Schemas } from './api/client';
import { messages } from './i18n';
import { Field, ProblemView } from './ui';

export type Uploaded = Schemas['UploadedDocument'];
export type Filed = Schemas['FiledDocument'];

const m = messages(
  {
    choose: 'Choose files (PDF, PNG, JPEG or OFD)',
    uploading: 'Uploading {name}…',
    remove: 'Remove {name}',
    download: 'Download {name}',
    refused: '{name}: {reason}',
  },
  {
    choose: '选择文件（PDF、PNG、JPEG 或 OFD）',
    uploading: '正在上传 {name}…',
    remove: '移除 {name}',
    download: '下载 {name}',
    refused: '{name}：{reason}',
  },
);

const ACCEPT = '.pdf,.png,.jpg,.jpeg,.ofd,application/pdf,image/png,image/jpeg,application/ofd';

/** Bytes as a person reads them: 1.2 MB, 640 KB. */
export function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Uploads one file; the API answers the stored document (201, or 200 when the same bytes were stored already). */
export async function upload(file: File): Promise<Uploaded> {
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await rawFetch('/v1/documents', { method: 'POST', body: form });
  return (await res.json()) as Uploaded;
}

/**
 * A file chooser whose files are uploaded as they are chosen; `onChange` gets the uploaded ones,
 * listed under it (the input itself is emptied after each choice, so the same file can be chosen
 * again after removing it). A refused file is named with the API's reason and left out; the others stay.
 */
export function DocumentPicker({
  label,
  documents,
  onChange,
  errors,
  required,
}: {
  label: string;
  documents: Uploaded[];
  onChange: (documents: Uploaded[]) => void;
  errors?: string[];
  required?: boolean;
}) {
  const [busy, setBusy] = useState<string>();
  const [refusals, setRefusals] = useState<string[]>([]);
  const choose = async (files: FileList | null) => {
    const chosen = [...(files ?? [])];
    const added: Uploaded[] = [];
    const refused: string[] = [];
    for (const file of chosen) {
      setBusy(file.name);
      try {
        const doc = await upload(file);
        if (!documents.some((d) => d.digest === doc.digest) && !added.some((d) => d.digest === doc.digest)) added.push(doc);
      } catch (err) {
        const reason = err instanceof ApiProblem ? err.message : String(err);
        refused.push(m('refused', { name: file.name, reason }));
      }
    }
    setBusy(undefined);
    setRefusals(refused);
    onChange([...documents, ...added]);
  };
  return (
    <div class="stack document-picker">
      <Field
        label={label}
        hint={m('choose')}
        errors={[...(errors ?? []), ...refusals]}
        render={(a) => (
          <input
            {...a}
            type="file"
            multiple
            accept={ACCEPT}
            // Not `required`: the browser would refuse the form in its own words (and language);
            // the form says what is missing at this field instead.
            aria-required={required ? 'true' : undefined}
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              void choose(input.files).then(() => (input.value = ''));
            }}
          />
        )}
      />
      {busy && <p role="status">{m('uploading', { name: busy })}</p>}
      {documents.length > 0 && (
        <ul class="documents" aria-label={label}>
          {documents.map((d) => (
            <li key={d.digest}>
              {d.name} <span class="muted">({size(d.size)})</span>{' '}
              <button
                type="button"
                class="link"
                aria-label={m('remove', { name: d.name })}
                onClick={() => onChange(documents.filter((x) => x.digest !== d.digest))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A filed document: its name as a download (through its case), its size and type. */
export function FiledLink({ caseId, doc }: { caseId: string; doc: Filed }) {
  const [error, setError] = useState<unknown>();
  return (
    <span class="filed-document">
      <button
        type="button"
        class="link"
        title={m('download', { name: doc.name })}
        onClick={() => void downloadFile(`/v1/cases/${caseId}/files/${doc.digest}`, doc.name).catch(setError)}
      >
        {doc.name}
      </button>{' '}
      <span class="muted">({size(doc.size)})</span>
      {error !== undefined && <ProblemView error={error} />}
    </span>
  );
}

/** Several filed documents, in a line. */
export function FiledList({ caseId, documents }: { caseId: string; documents: Filed[] }) {
  return (
    <>
      {documents.map((d, i) => (
        <span key={d.digest}>
          {i > 0 && ', '}
          <FiledLink caseId={caseId} doc={d} />
        </span>
      ))}
    </>
  );
}
