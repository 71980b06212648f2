import { describe, expect, it } from 'vitest';
import { canAddProductType } from './create-product-type-form';

describe('canAddProductType', () => {
  it('offers the form to superusers and global Maintainers or Owners only', () => {
    expect(canAddProductType({ is_superuser: true, global_role: null })).toBe(true);
    expect(canAddProductType({ is_superuser: false, global_role: 'Owner' })).toBe(true);
    expect(canAddProductType({ is_superuser: false, global_role: 'Maintainer' })).toBe(true);
    expect(canAddProductType({ is_superuser: false, global_role: 'Writer' })).toBe(false);
    expect(canAddProductType({ is_superuser: false, global_role: 'Reader' })).toBe(false);
    expect(canAddProductType({ is_superuser: false, global_role: null })).toBe(false);
  });
});
