/*
 * SPSC queue of fixed-size slots.  head and tail count items ever pushed and
 * popped (they never wrap in practice: 2^64 items), so "full" is
 * head - tail == capacity and a slot is index % capacity.  head is written
 * only by the producer and tail only by the consumer; the release store of
 * one and the acquire load by the other order the slot's bytes.  The wake
 * handshake is the one of core/ring.c, with sequentially consistent
 * operations instead of fences (ThreadSanitizer does not model fences): the
 * producer stores head then loads armed, the consumer stores armed then
 * loads head, and the single order of seq_cst operations means at least one
 * of them sees the other, so no wake-up is lost.  Alerts are rare; the
 * cost of seq_cst over release does not matter here.
 */
#include "sink_queue.h"

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define TD_CACHELINE 64

struct td_sink_queue {
	alignas(TD_CACHELINE) _Atomic size_t head;  /* items pushed */
	alignas(TD_CACHELINE) _Atomic size_t tail;  /* items popped */
	alignas(TD_CACHELINE) _Atomic int armed;    /* consumer is about to sleep */
	int fd;                                      /* eventfd */
	size_t capacity;
	size_t slot_size;
	unsigned char *slots;                        /* capacity * slot_size bytes */
};

td_sink_queue *td_sink_queue_new(size_t capacity, size_t slot_size)
{
	if (capacity == 0 || slot_size == 0 || capacity > ((size_t)1 << 24) ||
	    slot_size > ((size_t)1 << 20))
		return NULL;
	td_sink_queue *q = aligned_alloc(TD_CACHELINE, sizeof(*q));
	if (!q)
		return NULL;
	memset(q, 0, sizeof(*q));
	q->slots = malloc(capacity * slot_size);
	q->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!q->slots || q->fd < 0) {
		if (q->fd >= 0)
			close(q->fd);
		free(q->slots);
		free(q);
		return NULL;
	}
	q->capacity = capacity;
	q->slot_size = slot_size;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	atomic_init(&q->armed, 0);
	return q;
}

void td_sink_queue_free(td_sink_queue *q)
{
	if (!q)
		return;
	close(q->fd);
	free(q->slots);
	free(q);
}

/* Wake the consumer if it said it is going to sleep. */
static void td_sink_queue_wake(td_sink_queue *q)
{
	if (!atomic_load_explicit(&q->armed, memory_order_seq_cst))
		return;
	if (!atomic_exchange_explicit(&q->armed, 0, memory_order_acq_rel))
		return;
	uint64_t one = 1;
	/* EAGAIN means the counter is already non-zero: the consumer will wake. */
	while (write(q->fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

bool td_sink_queue_push(td_sink_queue *q, const void *item)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
	if (head - tail >= q->capacity)
		return false;
	memcpy(q->slots + (head % q->capacity) * q->slot_size, item, q->slot_size);
	atomic_store_explicit(&q->head, head + 1, memory_order_seq_cst);
	td_sink_queue_wake(q);
	return true;
}

bool td_sink_queue_pop(td_sink_queue *q, void *out)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	if (head == tail)
		return false;
	memcpy(out, q->slots + (tail % q->capacity) * q->slot_size, q->slot_size);
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	return true;
}

bool td_sink_queue_arm(td_sink_queue *q)
{
	atomic_store_explicit(&q->armed, 1, memory_order_seq_cst);
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	if (atomic_load_explicit(&q->head, memory_order_seq_cst) != tail) {
		atomic_store_explicit(&q->armed, 0, memory_order_relaxed);
		return false;
	}
	return true;
}

void td_sink_queue_drain_fd(td_sink_queue *q)
{
	uint64_t v;
	while (read(q->fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

int td_sink_queue_fd(const td_sink_queue *q)
{
	return q->fd;
}

size_t td_sink_queue_count(const td_sink_queue *q)
{
	size_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
	size_t h = atomic_load_explicit(&q->head, memory_order_acquire);
	return h - t;
}

size_t td_sink_queue_capacity(const td_sink_queue *q)
{
	return q->capacity;
}
