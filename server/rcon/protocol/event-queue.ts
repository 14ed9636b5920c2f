/**
 * The events a Sans-IO core has produced and the application has not read yet, oldest first.
 * Reading moves a head instead of shifting the array, so draining a burst (64 pipelined answers)
 * stays linear.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private head = 0;

  push(event: T): void {
    this.items.push(event);
  }

  /** The oldest unread event, or null when all were read. */
  next(): T | null {
    if (this.head < this.items.length) return this.items[this.head++] as T;
    if (this.head > 0) {
      this.items = [];
      this.head = 0;
    }
    return null;
  }
}
