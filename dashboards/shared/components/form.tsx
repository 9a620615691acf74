/**
 * Forms that show the server's validation: `createForm` keeps values, field errors and the form
 * error as signals; `submit` runs the call and maps a 400's `fields` (`body.scope.sectors`) onto
 * the fields the form has, keeping unknown ones at form level. <Field> shows the error beside
 * its input.
 */
import { computed, signal, type Signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { ApiError, type FieldError } from '../api';
import { errorText } from '../session';

export interface FormModel<V extends Record<string, unknown>> {
  values: Signal<V>;
  /** Error per field path (`title`, `settings.channel`). */
  errors: Signal<Record<string, string>>;
  formError: Signal<string | null>;
  busy: Signal<boolean>;
  valid: Signal<boolean>;
  set<K extends keyof V & string>(key: K, value: V[K]): void;
  reset(values?: V): void;
  /** Set one field's error from the page's own check. */
  fail(field: string, message: string): void;
  /** Run `action`; on a 400 show its field errors, on another error the form error. True on success. */
  submit(action: (values: V) => Promise<unknown>): Promise<boolean>;
}

/** Field errors from a 400 split into the form's fields and the rest; `body.` / `query.` prefixes dropped. */
export function mapFieldErrors<K extends string>(fields: readonly FieldError[], known: readonly K[]): { byField: Partial<Record<K, string>>; rest: string[] } {
  const byField: Partial<Record<K, string>> = {};
  const rest: string[] = [];
  for (const f of fields) {
    const path = f.field.replace(/^(body|query|params|querystring)\.?/, '');
    const key = known.find((k) => path === k || path.startsWith(`${k}.`));
    if (key && byField[key] === undefined) byField[key] = f.message;
    else rest.push(path ? `${path}: ${f.message}` : f.message);
  }
  return { byField, rest };
}

export interface FormOptions<V> {
  /** A readable message for a non-field error (404, 409…); null for the default. */
  messages?: (err: ApiError) => string | null;
  /** Field paths that show their own error (default: the value keys); `settings.channel` style allowed. */
  fields?: (values: V) => readonly string[];
}

export function createForm<V extends Record<string, unknown>>(initial: V, opts: FormOptions<V> = {}): FormModel<V> {
  const values = signal(initial);
  const errors = signal<Record<string, string>>({});
  const formError = signal<string | null>(null);
  const busy = signal(false);
  const valid = computed(() => Object.keys(errors.value).length === 0);
  return {
    values,
    errors,
    formError,
    busy,
    valid,
    set(key, value) {
      values.value = { ...values.value, [key]: value };
      if (errors.value[key] !== undefined) {
        const next = { ...errors.value };
        delete next[key];
        errors.value = next;
      }
    },
    fail(field, message) {
      errors.value = { ...errors.value, [field]: message };
    },
    reset(next) {
      values.value = next ?? initial;
      errors.value = {};
      formError.value = null;
    },
    async submit(action) {
      busy.value = true;
      errors.value = {};
      formError.value = null;
      try {
        await action(values.value);
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 400 && err.fields.length > 0) {
          const known = opts.fields?.(values.value) ?? Object.keys(values.value);
          const { byField, rest } = mapFieldErrors(err.fields, known);
          errors.value = byField as Record<string, string>;
          formError.value = rest.length ? rest.join('; ') : null;
        } else if (err instanceof ApiError) formError.value = opts.messages?.(err) ?? (err.status === 400 || err.status === 409 ? err.message : errorText(err));
        else formError.value = errorText(err);
        return false;
      } finally {
        busy.value = false;
      }
    },
  };
}

/** A labelled field with its error beside it (aria-invalid, aria-describedby). */
export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string | undefined; hint?: string; children: ComponentChildren }) {
  return (
    <div class={`field ${error ? 'field--invalid' : ''}`} data-field={id}>
      <label class="field__label" for={id}>
        {label}
      </label>
      {children}
      {hint && !error && <span class="field__hint">{hint}</span>}
      {error && (
        <span class="field__error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

/** The form-level error (what no field claims). */
export function FormError({ form, id }: { form: FormModel<Record<string, unknown>> | { formError: Signal<string | null> }; id?: string }) {
  const text = form.formError.value;
  return text ? (
    <p id={id} class="form-error" role="alert">
      {text}
    </p>
  ) : null;
}
