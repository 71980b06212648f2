/**
 * Short-lived messages at the bottom of the screen ("Removed 3 alerts. Undo"), announced politely.
 * A toast stays while the pointer is over it or focus is inside it (so nobody loses Undo mid-reach),
 * and when it closes with focus inside, focus goes where the caller said instead of being lost.
 */
import {
  createContext,
  type ReactNode,
  type RefObject,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

export type TToastTone = 'success' | 'error' | 'info';

export type TToastOptions = {
  message: string;
  tone?: TToastTone;
  /** One action, such as Undo. The toast closes when it has run. */
  action?: { label: string; onAction: () => Promise<unknown> };
  durationMs?: number;
  /** Move focus to the action when the toast appears (the control the person used has just gone). */
  isActionFocused?: boolean;
  /** Where focus goes if the toast closes while it has focus. */
  returnFocusTo?: RefObject<HTMLElement | null>;
};

type TToast = TToastOptions & { id: number };

type TToastApi = {
  showToast: (toast: TToastOptions) => number;
  dismissToast: (id: number) => void;
};

export const TOAST_DURATION_MS = 8_000;

const ToastContext = createContext<TToastApi | null>(null);

export function useToast(): TToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast() needs a <ToastProvider> above it.');
  return api;
}

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<TToast[]>([]);

  const dismissToast = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const showToast = useCallback((toast: TToastOptions) => {
    const id = nextId++;
    // One message at a time: a new outcome replaces the previous one (whose Undo no longer applies).
    setToasts([{ ...toast, id }]);
    return id;
  }, []);
  const api = useMemo(() => ({ showToast, dismissToast }), [showToast, dismissToast]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <section className="toast-region" aria-label="Messages">
        {/* The live region is always present, so screen readers announce what is added to it. */}
        <div role="status" aria-live="polite" className="toast-list">
          {toasts.map((toast) => (
            <ToastItem key={toast.id} toast={toast} onClose={() => dismissToast(toast.id)} />
          ))}
        </div>
      </section>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onClose }: { toast: TToast; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const actionRef = useRef<HTMLButtonElement>(null);
  const [isPaused, setIsPaused] = useState(false);
  const [isRunning, setIsRunning] = useState(false);
  const { durationMs = TOAST_DURATION_MS, isActionFocused = false, returnFocusTo } = toast;
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    if (isActionFocused) actionRef.current?.focus();
  }, [isActionFocused]);

  useEffect(() => {
    if (isPaused || isRunning) return;
    const timer = setTimeout(() => closeRef.current(), durationMs);
    return () => clearTimeout(timer);
  }, [isPaused, isRunning, durationMs]);

  // A layout effect's cleanup runs before React removes the element, while focus is still inside it:
  // hand focus to the caller's target rather than let it fall to the page body.
  useLayoutEffect(() => {
    const element = ref.current;
    return () => {
      if (!element?.contains(document.activeElement)) return;
      const target = returnFocusTo?.current;
      if (target?.isConnected) target.focus();
    };
  }, [returnFocusTo]);

  const runAction = async () => {
    if (!toast.action) return;
    setIsRunning(true);
    try {
      await toast.action.onAction();
    } finally {
      closeRef.current();
    }
  };

  return (
    // Pausing on hover and focus is about timing, not interaction: the buttons inside are the controls.
    // biome-ignore lint/a11y/noStaticElementInteractions: pause-on-hover keeps the toast while the person reaches for it.
    <div
      ref={ref}
      className={`toast toast-${toast.tone ?? 'info'}`}
      onMouseEnter={() => setIsPaused(true)}
      onMouseLeave={() => setIsPaused(false)}
      onFocus={() => setIsPaused(true)}
      onBlur={(event) => {
        if (!ref.current?.contains(event.relatedTarget as Node | null)) setIsPaused(false);
      }}
    >
      <p className="toast-message">{toast.message}</p>
      {toast.action && (
        <button ref={actionRef} type="button" className="button button-small toast-action" disabled={isRunning} onClick={runAction}>
          {toast.action.label}
        </button>
      )}
      <button type="button" className="toast-dismiss" aria-label="Dismiss message" onClick={onClose}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
