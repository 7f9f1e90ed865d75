"use client";

import { useCallback, useState } from "react";

const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

const readAsDataUri = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

/** Images waiting to go with the next message, as data URIs, from a picker, a drop or a paste. */
export function useAttachments(allowed: boolean, modelName: string) {
  const [images, setImages] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  const add = useCallback(
    async (files: Iterable<File>) => {
      const list = [...files].filter((f) => f.type.startsWith("image/"));
      if (list.length === 0) return;
      if (!allowed) {
        setError(`${modelName} cannot read images: pick a model marked "images" to attach them.`);
        return;
      }
      const tooBig = list.find((f) => f.size > MAX_IMAGE_BYTES);
      if (tooBig) {
        setError(`${tooBig.name} is larger than 8 MB: use a smaller image.`);
        return;
      }
      setError(null);
      const uris = await Promise.all(list.map(readAsDataUri));
      setImages((current) => [...current, ...uris].slice(0, 8));
    },
    [allowed, modelName],
  );

  return {
    images,
    error,
    add,
    remove: (i: number) => setImages((current) => current.filter((_, j) => j !== i)),
    clear: () => {
      setImages([]);
      setError(null);
    },
  };
}

export type Attachments = ReturnType<typeof useAttachments>;
