/**
 * Renews the session's token (POST /auth/token): the new one carries the account's roles now, so
 * a role granted meanwhile arrives without logging out, and an active page never expires.
 */
import { api } from './api';
import { session } from './session';

export async function renewToken() {
  if (!session.token) return;
  const { data } = await api.POST('/auth/token').catch(() => ({ data: undefined }));
  if (data && session.token) session.renew(data.token);
}
