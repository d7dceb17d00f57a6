/*
 * A bounded lock-free single-producer single-consumer queue of fixed-size
 * slots, with a wake fd: the notifier's two hand-overs (alerts from the
 * engine to the sink worker, log lines and state changes back).
 *
 * It is the core ring (core/ring.h) with a slot size chosen at creation
 * instead of td_event, and an exact capacity instead of a power of two, so
 * "the queue holds 256 alerts" means 256.  A push never blocks and never
 * allocates: it copies the item into a preallocated slot or returns false.
 * The wake protocol is the ring's "armed" handshake: the consumer arms
 * before it sleeps on the fd, and a push writes the fd only when the
 * consumer is armed, so a busy consumer costs the producer no system call.
 */
#ifndef TD_ALERT_SINK_QUEUE_H
#define TD_ALERT_SINK_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct td_sink_queue td_sink_queue;

/* A queue of `capacity` slots of `slot_size` bytes (both > 0); NULL on failure. */
td_sink_queue *td_sink_queue_new(size_t capacity, size_t slot_size);
void td_sink_queue_free(td_sink_queue *q);

/* Producer: copy slot_size bytes of item in and wake an armed consumer; false, changing nothing, when full. */
bool td_sink_queue_push(td_sink_queue *q, const void *item);

/* Consumer: copy the oldest item out; false when empty. */
bool td_sink_queue_pop(td_sink_queue *q, void *out);

/*
 * Consumer: declare the intent to sleep on the fd.  True when the queue is
 * empty (sleep); false when items are waiting (pop them instead).
 */
bool td_sink_queue_arm(td_sink_queue *q);

/* Consumer: clear the fd after poll() said it is readable. */
void td_sink_queue_drain_fd(td_sink_queue *q);

/* The fd that becomes readable when a push finds the consumer armed. */
int td_sink_queue_fd(const td_sink_queue *q);

/* Items waiting (a snapshot; exact only on the consumer's thread). */
size_t td_sink_queue_count(const td_sink_queue *q);

size_t td_sink_queue_capacity(const td_sink_queue *q);

#endif
