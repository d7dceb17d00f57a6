/*
 * Lock-free single-producer single-consumer ring of td_event, with a wake fd.
 *
 * One thread pushes, one thread pops; nothing else may touch the ring.  The
 * consumer sleeps in poll() on td_ring_fd().  So that a push does not cost a
 * system call, the producer writes the fd only when the consumer has said it
 * is about to sleep (td_ring_arm) and only when the producer calls
 * td_ring_notify, normally once per batch.
 */
#ifndef TD_RING_H
#define TD_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"

typedef struct td_ring td_ring;

/* A ring for `capacity` events, rounded up to a power of two; NULL on failure. */
td_ring *td_ring_new(size_t capacity);
void td_ring_free(td_ring *r);

size_t td_ring_capacity(const td_ring *r);

/* Producer: copy one event in.  Returns false, changing nothing, when full. */
bool td_ring_push(td_ring *r, const td_event *ev);

/* Producer: wake the consumer if it is asleep.  Call after a batch of pushes. */
void td_ring_notify(td_ring *r);

/* Consumer: move up to `max` events into out; returns how many. */
size_t td_ring_pop(td_ring *r, td_event *out, size_t max);

/*
 * Consumer: declare the intent to sleep.  Returns true when the ring is empty
 * and the consumer may poll the fd; false when events are waiting (do not sleep).
 */
bool td_ring_arm(td_ring *r);

/* Consumer: clear the wake fd after poll() said it is readable. */
void td_ring_drain_fd(td_ring *r);

/* The fd that becomes readable when the producer notifies a sleeping consumer. */
int td_ring_fd(const td_ring *r);

/* Events waiting (a snapshot; exact only from the consumer's thread). */
size_t td_ring_count(const td_ring *r);

#endif
