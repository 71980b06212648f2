/** The roots of this feature's query keys: every key below starts from one, so a mutation can invalidate a whole branch. */
export const notificationAdminKeys = {
  all: ['notification-admin'] as const,
  user: (userId: number) => ['notification-admin', 'users', userId] as const,
  me: ['notification-admin', 'me'] as const,
  templatePreview: ['notification-admin', 'template-preview'] as const,
};
