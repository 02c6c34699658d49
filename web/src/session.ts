/**
 * The signed-in user: their token and id, kept in localStorage so every tab shares them, and the
 * roles the token carries (for what the page offers; the API decides). A token is renewed from
 * time to time, so roles granted meanwhile arrive without logging out.
 */
type Listener = () => void;
const listeners = new Set<Listener>();

export type Role = 'bidder' | 'analyst' | 'admin';

export const session = {
  get token() {
    return localStorage.getItem('token') ?? undefined;
  },
  get userId() {
    return localStorage.getItem('userId') ?? undefined;
  },
  get displayName() {
    return localStorage.getItem('displayName') ?? '';
  },
  set(userId: string, token: string, displayName?: string) {
    localStorage.setItem('userId', userId);
    localStorage.setItem('token', token);
    if (displayName !== undefined) localStorage.setItem('displayName', displayName);
    for (const listener of listeners) listener();
  },
  renew(token: string) {
    if (token === this.token) return;
    localStorage.setItem('token', token);
    for (const listener of listeners) listener();
  },
  clear() {
    for (const key of ['userId', 'token', 'displayName']) localStorage.removeItem(key);
    for (const listener of listeners) listener();
  },
  onChange(listener: Listener) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

/** The roles a token carries (its payload, unverified: only for what the page shows). */
export function rolesOf(token: string | undefined): Role[] {
  if (!token) return [];
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const roles = (JSON.parse(atob(payload)) as { roles?: unknown }).roles;
    return Array.isArray(roles) ? (roles as Role[]) : [];
  } catch {
    return [];
  }
}

export const isAnalyst = (token = session.token) =>
  rolesOf(token).some((role) => role === 'analyst' || role === 'admin');

// Another tab signed in or out: this one follows.
window.addEventListener('storage', (event) => {
  if (event.key === 'token' || event.key === null) for (const listener of listeners) listener();
});

export const isAdmin = (token = session.token) => rolesOf(token).includes('admin');
