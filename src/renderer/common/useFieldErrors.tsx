/**
 * Renderer process. Errors that belong to a form's fields: each is shown under its field (marked
 * aria-invalid and linked by aria-describedby, so a screen reader reads it with the field), a
 * field's error is checked again as the person types, and a failed submit moves the focus to the
 * first field at fault. One error at a time per field; an error of the whole form (a refused
 * connection) is the form's InlineAlert, cleared by the next submit.
 */
import { useCallback, useRef, useState } from 'react';
import type { FieldCheck } from './field-rules.js';

type Focusable = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface FieldErrors<F extends string> {
  errors: Partial<Record<F, string>>;
  /** Checks every field (in the order given); focuses the first at fault. True when all pass. */
  validate(checks: [F, FieldCheck][]): boolean;
  /** Rechecks one field while it shows an error (so the error goes as soon as it is fixed). */
  recheck(field: F, check: FieldCheck): void;
  /** Puts an error on a field from elsewhere (a refused listen on a port in use) and focuses it. */
  fail(field: F, message: string): void;
  /** What the field's input needs: its ref, aria-invalid and aria-describedby. */
  inputProps(field: F, describedBy?: string): {
    ref: (el: Focusable | null) => void;
    'aria-invalid': true | undefined;
    'aria-describedby': string | undefined;
  };
  errorId(field: F): string;
  /**
   * Everything a plain text field needs: id `${formId}-${field}` (for its label's htmlFor), its
   * value, and an onChange that sets it and rechecks the field with `problem`.
   */
  textInput(field: F, value: string, set: (value: string) => void, problem: (value: string) => FieldCheck): TextInputProps;
}

export interface TextInputProps extends ReturnType<FieldErrors<string>['inputProps']> {
  id: string;
  type: 'text';
  value: string;
  autoComplete: 'off';
  spellCheck: false;
  onChange: (e: { target: { value: string } }) => void;
}

export function useFieldErrors<F extends string>(formId: string): FieldErrors<F> {
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const elements = useRef(new Map<F, Focusable>());
  const errorId = useCallback((field: F) => `${formId}-${field}-error`, [formId]);

  const validate = (checks: [F, FieldCheck][]): boolean => {
    const next: Partial<Record<F, string>> = {};
    for (const [field, problem] of checks) if (problem) next[field] = problem;
    setErrors(next);
    const first = checks.find(([, problem]) => problem);
    if (first) elements.current.get(first[0])?.focus();
    return !first;
  };

  const recheck = (field: F, problem: FieldCheck): void => {
    setErrors((current) => {
      if (!(field in current)) return current;
      const next = { ...current };
      if (problem) next[field] = problem;
      else delete next[field];
      return next;
    });
  };

  const fail = (field: F, message: string): void => {
    setErrors((current) => ({ ...current, [field]: message }));
    elements.current.get(field)?.focus();
  };

  const inputProps = (field: F, describedBy?: string) => {
    const ids = [errors[field] ? errorId(field) : null, describedBy ?? null].filter(Boolean).join(' ');
    return {
      ref: (el: Focusable | null) => {
        if (el) elements.current.set(field, el);
        else elements.current.delete(field);
      },
      'aria-invalid': errors[field] ? (true as const) : undefined,
      'aria-describedby': ids || undefined,
    };
  };

  const textInput = (field: F, value: string, set: (value: string) => void, problem: (value: string) => FieldCheck): TextInputProps => ({
    id: `${formId}-${field}`,
    type: 'text',
    value,
    autoComplete: 'off',
    spellCheck: false,
    onChange: (e) => {
      set(e.target.value);
      recheck(field, problem(e.target.value));
    },
    ...inputProps(field),
  });

  return { errors, validate, recheck, fail, inputProps, errorId, textInput };
}

/** The error under a field; nothing when there is none. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}
