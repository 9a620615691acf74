/** Forms show the server's validation: field errors beside the fields, the rest at form level. */
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { useMemo } from 'preact/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../dashboards/shared/api';
import { createForm, Field, FormError, mapFieldErrors } from '../../dashboards/shared/components/form';

afterEach(cleanup);

describe('mapFieldErrors', () => {
  it('maps body./query. paths onto known fields and keeps unknown ones', () => {
    const { byField, rest } = mapFieldErrors(
      [
        { field: 'body.username', message: 'too short' },
        { field: 'body.scope.sectors', message: 'pick one' },
        { field: 'body.settings.channel', message: 'bad channel' },
        { field: 'body', message: 'name at least one' },
      ],
      ['username', 'scope.sectors', 'title'],
    );
    expect(byField).toEqual({ username: 'too short', 'scope.sectors': 'pick one' });
    expect(rest).toEqual(['settings.channel: bad channel', 'name at least one']);
  });
});

function UserForm({ action }: { action: () => Promise<unknown> }) {
  const form = useMemo(() => createForm({ username: '', title: '' }), []);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit(action);
      }}
    >
      <Field id="username" label="Логин" error={form.errors.value.username}>
        <input id="username" value={form.values.value.username} onInput={(e) => form.set('username', e.currentTarget.value)} />
      </Field>
      <FormError form={form} id="form-error" />
      <button type="submit">Сохранить</button>
    </form>
  );
}

describe('form with server validation', () => {
  it('shows a 400 field error beside its field and clears it when the field changes', async () => {
    const fail = () => Promise.reject(new ApiError(400, 'validation_failed', 'x', [{ field: 'body.username', message: 'Не короче трёх символов' }, { field: 'body.extra', message: 'лишнее поле' }]));
    const { container, getByText, findByText } = render(<UserForm action={fail} />);
    fireEvent.click(getByText('Сохранить'));
    const error = await findByText('Не короче трёх символов');
    expect(error.closest('[data-field="username"]')).not.toBeNull();
    expect(container.querySelector('#form-error')?.textContent).toBe('extra: лишнее поле');
    fireEvent.input(container.querySelector('#username')!, { target: { value: 'abc' } });
    await expect.poll(() => container.querySelector('.field__error')).toBeNull();
  });

  it('shows a conflict at form level with the server message', async () => {
    const conflict = () => Promise.reject(new ApiError(409, 'conflict', 'Такой источник уже есть'));
    const { getByText, findByText } = render(<UserForm action={conflict} />);
    fireEvent.click(getByText('Сохранить'));
    expect((await findByText('Такой источник уже есть')).id).toBe('form-error');
  });

  it('reports success and no errors when the call succeeds', async () => {
    const form = createForm({ a: '' });
    expect(await form.submit(() => Promise.resolve())).toBe(true);
    expect(form.errors.value).toEqual({});
    expect(form.formError.value).toBeNull();
    expect(await form.submit(() => Promise.reject(new ApiError(0, 'network', 'network error')))).toBe(false);
    expect(form.formError.value).toContain('Сервер недоступен');
  });
});
