import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { hasUnsavedChanges } from '../../../lib/unsaved-changes';
import { mockApi, renderWithProviders } from '../../../testing/render';
import { CreateProductTypeForm } from './create-product-type-form';

const form = () => screen.getByRole('form', { name: 'Add product type' });
const nameField = () => screen.getByLabelText('Name') as HTMLInputElement;

beforeEach(() => {
  expect(hasUnsavedChanges()).toBe(false);
});

describe('CreateProductTypeForm', () => {
  it('reports unsaved edits while something is typed, and none once saved', async () => {
    mockApi({
      'POST /api/product-types': ({ body }) => ({
        status: 201,
        body: { id: 9, name: (body as { name: string }).name, description: '', product_count: 0, created_at: '' },
      }),
    });
    const user = userEvent.setup();
    renderWithProviders(<CreateProductTypeForm />);
    expect(form()).toBeTruthy();
    await user.type(nameField(), 'Mobile');
    await waitFor(() => expect(hasUnsavedChanges()).toBe(true));
    await user.click(screen.getByRole('button', { name: 'Add product type' }));
    await screen.findByText(/added\./);
    expect(nameField().value).toBe('');
    expect(hasUnsavedChanges()).toBe(false);
  });

  it('puts a server message about a field on that field, and any other refusal in the focused form error', async () => {
    const answers = [
      {
        status: 400,
        body: { error: { code: 'validation_failed', message: 'name: Reserved', details: [{ path: 'name', message: 'Reserved' }] } },
      },
      { status: 409, body: { error: { code: 'conflict', message: 'A product type named Mobile already exists.' } } },
    ];
    mockApi({ 'POST /api/product-types': () => answers.shift() });
    const user = userEvent.setup();
    renderWithProviders(<CreateProductTypeForm />);
    await user.type(nameField(), 'Mobile');

    await user.click(screen.getByRole('button', { name: 'Add product type' }));
    await waitFor(() => expect(nameField().getAttribute('aria-invalid')).toBe('true'));
    const describedBy = nameField().getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(describedBy)?.textContent).toBe('Reserved');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(nameField());

    await user.click(screen.getByRole('button', { name: 'Add product type' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('A product type named Mobile already exists.');
    await waitFor(() => expect(document.activeElement).toBe(alert));
  });
});
