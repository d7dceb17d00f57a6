/*
 * SPSC ring.  head is written only by the producer and tail only by the
 * consumer; each side caches the other's index to touch the shared cache line
 * rarely.  The wake protocol is the classic "armed flag" handshake: the
 * consumer sets `armed` and re-checks for events before sleeping; the producer
 * publishes events, then checks `armed`.  A full fence on both sides orders
 * "publish, then read armed" against "set armed, then read head", so at least
 * one of them sees the other and no wake-up is lost.
 */
#include "ring.h"

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define TD_CACHELINE 64

struct td_ring {
	alignas(TD_CACHELINE) _Atomic size_t head;  /* next slot to write */
	size_t tail_cache;                           /* producer's view of tail */
	alignas(TD_CACHELINE) _Atomic size_t tail;  /* next slot to read */
	size_t head_cache;                           /* consumer's view of head */
	alignas(TD_CACHELINE) _Atomic int armed;    /* consumer is about to sleep */
	int fd;                                      /* eventfd */
	size_t mask;
	td_event *slots;
};

/* Smallest power of two >= n (n >= 2). */
static size_t round_pow2(size_t n)
{
	size_t p = 2;
	while (p < n)
		p <<= 1;
	return p;
}

td_ring *td_ring_new(size_t capacity)
{
	if (capacity == 0 || capacity > ((size_t)1 << 30))
		return NULL;
	td_ring *r = aligned_alloc(TD_CACHELINE, sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	size_t cap = round_pow2(capacity);
	r->slots = aligned_alloc(TD_CACHELINE, cap * sizeof(td_event));
	r->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!r->slots || r->fd < 0) {
		if (r->fd >= 0)
			close(r->fd);
		free(r->slots);
		free(r);
		return NULL;
	}
	r->mask = cap - 1;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->armed, 0);
	return r;
}

void td_ring_free(td_ring *r)
{
	if (!r)
		return;
	close(r->fd);
	free(r->slots);
	free(r);
}

size_t td_ring_capacity(const td_ring *r)
{
	return r->mask + 1;
}

bool td_ring_push(td_ring *r, const td_event *ev)
{
	size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	if (head - r->tail_cache > r->mask) {
		r->tail_cache = atomic_load_explicit(&r->tail, memory_order_acquire);
		if (head - r->tail_cache > r->mask)
			return false;
	}
	r->slots[head & r->mask] = *ev;
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

void td_ring_notify(td_ring *r)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&r->armed, memory_order_relaxed))
		return;
	if (!atomic_exchange_explicit(&r->armed, 0, memory_order_acq_rel))
		return;
	uint64_t one = 1;
	/* EAGAIN means the counter is already non-zero: the consumer will wake. */
	while (write(r->fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

size_t td_ring_pop(td_ring *r, td_event *out, size_t max)
{
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	if (r->head_cache - tail < max)
		r->head_cache = atomic_load_explicit(&r->head, memory_order_acquire);
	size_t n = r->head_cache - tail;
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = r->slots[(tail + i) & r->mask];
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	return n;
}

bool td_ring_arm(td_ring *r)
{
	atomic_store_explicit(&r->armed, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	if (atomic_load_explicit(&r->head, memory_order_acquire) != tail) {
		atomic_store_explicit(&r->armed, 0, memory_order_relaxed);
		return false;
	}
	return true;
}

void td_ring_drain_fd(td_ring *r)
{
	uint64_t v;
	while (read(r->fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

int td_ring_fd(const td_ring *r)
{
	return r->fd;
}

size_t td_ring_count(const td_ring *r)
{
	size_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
	size_t h = atomic_load_explicit(&r->head, memory_order_acquire);
	return h - t;
}
