"use client";

export interface ConversationSummary {
  id: string;
  title: string;
  model: string;
  updatedAt: string;
}

/** The user's saved conversations, newest first; each can be reopened or deleted. */
export function ConversationList({
  conversations,
  currentId,
  onOpen,
  onDelete,
  onNew,
}: {
  conversations: ConversationSummary[];
  currentId: string | null;
  onOpen: (id: string) => void;
  onDelete: (id: string) => void;
  onNew: () => void;
}) {
  return (
    <nav aria-label="Conversations" className="flex min-h-0 flex-1 flex-col gap-2">
      <button
        type="button"
        onClick={onNew}
        data-testid="chat-new"
        className="h-9 rounded-md border border-field-border bg-surface px-3 text-left text-sm font-medium hover:bg-accent"
      >
        + New chat
      </button>
      <h2 className="px-1 pt-2 text-xs font-semibold tracking-wide text-muted uppercase">History</h2>
      {conversations.length === 0 ? (
        <p className="px-1 text-xs text-muted" data-testid="conversations-empty">
          Conversations are saved here after the first answer.
        </p>
      ) : (
        <ul className="-mx-1 min-h-0 flex-1 space-y-0.5 overflow-y-auto px-1" data-testid="conversation-list">
          {conversations.map((c) => (
            <li key={c.id} className="group flex items-center gap-1">
              <a
                href={`/chat/${c.id}`}
                onClick={(e) => {
                  // A plain click opens it here; a modified one (new tab) is the browser's.
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  onOpen(c.id);
                }}
                data-testid="conversation-link"
                aria-current={c.id === currentId ? "page" : undefined}
                className="min-w-0 flex-1 rounded-md px-2 py-1.5 text-sm hover:bg-accent aria-[current=page]:bg-accent aria-[current=page]:font-medium"
              >
                <span className="block truncate">{c.title}</span>
                <span className="block truncate text-[11px] text-muted">{c.model}</span>
              </a>
              <button
                type="button"
                onClick={() => onDelete(c.id)}
                data-testid="conversation-delete"
                aria-label={`Delete conversation ${c.title}`}
                className="rounded px-1.5 py-1 text-xs text-muted hover:bg-accent hover:text-danger"
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
