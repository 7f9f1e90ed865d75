import { useState } from "react";

/**
 * Dropping files onto an element: whether files are being dragged over it
 * (to highlight it) and the handlers to spread on it. Drags of anything but
 * files (text, links) are left to the browser.
 */
export function useFileDrop(onFiles: (files: FileList) => void) {
  const [dragging, setDragging] = useState(false);
  const dropProps = {
    onDragOver(e: React.DragEvent) {
      if (!e.dataTransfer.types.includes("Files")) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave() {
      setDragging(false);
    },
    onDrop(e: React.DragEvent) {
      e.preventDefault();
      setDragging(false);
      if (e.dataTransfer.files.length > 0) onFiles(e.dataTransfer.files);
    },
  };
  return { dragging, dropProps };
}
