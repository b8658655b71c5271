/**
 * Keys for the items of a list the user edits: each stays with its item when an earlier one is
 * removed, so the item's controls keep their own state (a money field's typed text).
 */
import { useRef } from 'preact/hooks';

export function useStableKeys(length: number): { keys: readonly number[]; forget: (index: number) => void } {
  const keys = useRef<number[]>([]);
  const serial = useRef(0);
  while (keys.current.length < length) keys.current.push(++serial.current);
  keys.current.length = length;
  return { keys: keys.current, forget: (index) => void keys.current.splice(index, 1) };
}
