/* Counting posting hits in time proportional to the postings read.

   postings._count in NumPy counts with np.bincount: a counter per possible
   item id, allocated, zeroed and scanned on every lookup, so a lookup's cost
   grew with the ledger (at 10^6 items ~1-3 ms of a lookup) even when it read
   the same number of postings. Here one counter array is kept between calls
   and only the counters touched are read and reset.

   count(ids, min_hits, enough) -> bytes of uint64, unsorted,
   each (item id << 32) | hits, for the ids occurring at least min_hits times;
   with enough > 0, only those occurring more than min_hits times when at least
   `enough` do. `ids` is a buffer of native uint32. Returns None when the ids
   are too sparse for a counter array (the caller sorts instead).

   Holds the GIL throughout: the counter array is shared by every thread. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Kept between calls (allocating them per call cost page faults). */
typedef struct {
    uint32_t *data;
    size_t size;
} Array;

static Array counters, reached, beyond;

/* At least `size` elements, zeroed when new. */
static int
ensure(Array *a, size_t size)
{
    if (size <= a->size) {
        return 0;
    }
    size_t grown = size + size / 4;
    uint32_t *fresh = realloc(a->data, grown * sizeof(uint32_t));
    if (fresh == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memset(fresh + a->size, 0, (grown - a->size) * sizeof(uint32_t));
    a->data = fresh;
    a->size = grown;
    return 0;
}

static PyObject *
count(PyObject *self, PyObject *args)
{
    Py_buffer view;
    long min_hits, enough;
    if (!PyArg_ParseTuple(args, "y*ll", &view, &min_hits, &enough)) {
        return NULL;
    }
    if (min_hits < 1) {
        min_hits = 1;
    }
    const uint32_t *ids = view.buf;
    size_t n = (size_t)view.len / sizeof(uint32_t);
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] > top) {
            top = ids[i];
        }
    }
    /* Same bound as the NumPy path: a counter array at most 64 per posting. */
    if ((uint64_t)top > 64 * (uint64_t)n + 4096) {
        PyBuffer_Release(&view);
        Py_RETURN_NONE;
    }
    if (ensure(&counters, (size_t)top + 1) < 0 || ensure(&reached, n + 1) < 0 || ensure(&beyond, n + 1) < 0) {
        PyBuffer_Release(&view);
        return NULL;
    }
    /* Each id enters `reached` once, when its count reaches min_hits, and
       `beyond` once, when it passes it. */
    uint32_t *count_of = counters.data;
    size_t n_reached = 0, n_beyond = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = ++count_of[ids[i]];
        if (c == (uint32_t)min_hits) {
            reached.data[n_reached++] = ids[i];
        }
        else if (c == (uint32_t)min_hits + 1) {
            beyond.data[n_beyond++] = ids[i];
        }
    }
    int use_beyond = enough > 0 && n_beyond >= (size_t)enough;
    const uint32_t *found = use_beyond ? beyond.data : reached.data;
    size_t n_found = use_beyond ? n_beyond : n_reached;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(n_found * sizeof(uint64_t)));
    if (out != NULL) {
        uint64_t *packed = (uint64_t *)PyBytes_AS_STRING(out);
        for (size_t j = 0; j < n_found; j++) {
            packed[j] = ((uint64_t)found[j] << 32) | count_of[found[j]];
        }
    }
    for (size_t i = 0; i < n; i++) {
        count_of[ids[i]] = 0;
    }
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef methods[] = {
    {"count", count, METH_VARARGS, "count(ids, min_hits, enough) -> packed (id << 32 | hits) or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_hits", NULL, -1, methods};

PyMODINIT_FUNC
PyInit__hits(void)
{
    return PyModule_Create(&module);
}
