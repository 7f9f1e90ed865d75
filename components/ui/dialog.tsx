"use client";

import { useEffect, useRef } from "react";

/**
 * A modal dialog on the browser's own <dialog>: focus moves in and is kept
 * there, Escape closes it, and focus returns to what opened it.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  testId,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  testId: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={`${testId}-title`}
      onClose={onClose}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto w-[calc(100vw-2rem)] ${wide ? "max-w-2xl" : "max-w-lg"} rounded-lg border bg-surface p-0 text-foreground shadow-xl backdrop:bg-black/50`}
    >
      {open && (
        <div className="max-h-[calc(100dvh-4rem)] overflow-y-auto p-5 sm:p-6">
          <header className="mb-4 space-y-1">
            <h2 id={`${testId}-title`} className="text-lg font-semibold">
              {title}
            </h2>
            {description && <div className="text-sm text-muted">{description}</div>}
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}
