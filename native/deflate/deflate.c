/*
 * zlib-format DEFLATE through the system libdeflate, on libuv's threadpool (napi async work) so that several
 * tiles compress in parallel while JavaScript goes on, as node:zlib's asynchronous API does.
 *
 *   compress(data: Uint8Array, level: number) -> Promise<Buffer>
 *   decompress(data: Uint8Array, size: number) -> Promise<Buffer | number>
 *     resolves to the output, or to a negative number: -1 bad data, -2 output longer than `size`.
 *
 * Each threadpool thread keeps its own (de)compressor: allocating one costs more than compressing a small tile.
 */
#include <libdeflate.h>
#include <node_api.h>
#include <stdlib.h>

#define MAX_LEVEL 12

static _Thread_local struct libdeflate_compressor *compressors[MAX_LEVEL + 1];
static _Thread_local struct libdeflate_decompressor *decompressor;

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref input_ref;
  const unsigned char *input;
  size_t input_length;
  int level;          /* compress: 0..12; decompress: -1 */
  size_t capacity;    /* decompress: the expected size */
  unsigned char *output;
  size_t output_length;
  int status;         /* 0 ok, -1 bad data, -2 too long, -3 out of memory */
} job_t;

static void compress_execute(napi_env env, void *data) {
  (void)env;
  job_t *job = data;
  struct libdeflate_compressor **slot = &compressors[job->level];
  if (*slot == NULL) *slot = libdeflate_alloc_compressor(job->level);
  if (*slot == NULL) {
    job->status = -3;
    return;
  }
  size_t bound = libdeflate_zlib_compress_bound(*slot, job->input_length);
  job->output = malloc(bound);
  if (job->output == NULL) {
    job->status = -3;
    return;
  }
  job->output_length = libdeflate_zlib_compress(*slot, job->input, job->input_length, job->output, bound);
  if (job->output_length == 0) {
    job->status = -3;
    return;
  }
  /* Give back what the bound reserved beyond the compressed size (compressed tiles are often far smaller). */
  unsigned char *shrunk = realloc(job->output, job->output_length);
  if (shrunk != NULL) job->output = shrunk;
}

static void decompress_execute(napi_env env, void *data) {
  (void)env;
  job_t *job = data;
  if (decompressor == NULL) decompressor = libdeflate_alloc_decompressor();
  job->output = malloc(job->capacity > 0 ? job->capacity : 1);
  if (decompressor == NULL || job->output == NULL) {
    job->status = -3;
    return;
  }
  enum libdeflate_result result = libdeflate_zlib_decompress(decompressor, job->input, job->input_length,
                                                             job->output, job->capacity, &job->output_length);
  if (result == LIBDEFLATE_INSUFFICIENT_SPACE) job->status = -2;
  else if (result != LIBDEFLATE_SUCCESS) job->status = -1;
  else if (job->output_length < job->capacity) {
    unsigned char *shrunk = realloc(job->output, job->output_length > 0 ? job->output_length : 1);
    if (shrunk != NULL) job->output = shrunk;
  }
}

static void free_output(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

static void complete(napi_env env, napi_status status, void *data) {
  job_t *job = data;
  napi_value result;
  if (status != napi_ok) {
    napi_value message;
    napi_create_string_utf8(env, "libdeflate job cancelled", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &result);
    napi_reject_deferred(env, job->deferred, result);
  } else if (job->status == -3) {
    napi_value message;
    napi_create_string_utf8(env, "libdeflate: out of memory", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, NULL, message, &result);
    napi_reject_deferred(env, job->deferred, result);
  } else if (job->status < 0) {
    napi_create_int32(env, job->status, &result);
    napi_resolve_deferred(env, job->deferred, result);
  } else if (napi_create_external_buffer(env, job->output_length, job->output, free_output, NULL, &result) ==
             napi_ok) {
    job->output = NULL; /* owned by the Buffer now */
    napi_resolve_deferred(env, job->deferred, result);
  } else {
    /* Runtimes that refuse external buffers get a copy. */
    napi_create_buffer_copy(env, job->output_length, job->output, NULL, &result);
    napi_resolve_deferred(env, job->deferred, result);
  }
  free(job->output);
  napi_delete_reference(env, job->input_ref);
  napi_delete_async_work(env, job->work);
  free(job);
}

static napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* Both functions take (Uint8Array, integer); `decompress` marks itself with a non-NULL callback data. */
static napi_value start(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *is_decompress;
  napi_get_cb_info(env, info, &argc, argv, NULL, &is_decompress);
  bool is_typed_array = false;
  if (argc < 2 || napi_is_typedarray(env, argv[0], &is_typed_array) != napi_ok || !is_typed_array)
    return throw_type_error(env, "expected a Uint8Array and an integer");
  napi_typedarray_type type;
  size_t length;
  void *bytes;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &bytes, NULL, NULL) != napi_ok ||
      type != napi_uint8_array)
    return throw_type_error(env, "expected a Uint8Array");
  int64_t number;
  if (napi_get_value_int64(env, argv[1], &number) != napi_ok) return throw_type_error(env, "expected an integer");
  if (is_decompress == NULL && (number < 0 || number > MAX_LEVEL))
    return throw_type_error(env, "level must be 0 to 12");
  if (is_decompress != NULL && number < 0) return throw_type_error(env, "size must not be negative");

  job_t *job = calloc(1, sizeof(job_t));
  if (job == NULL) return throw_type_error(env, "out of memory");
  job->input = bytes;
  job->input_length = length;
  job->level = is_decompress == NULL ? (int)number : -1;
  job->capacity = (size_t)number;
  /* The input stays referenced (not collected) until the job completes. */
  napi_create_reference(env, argv[0], 1, &job->input_ref);
  napi_value promise, name;
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "demgrad:libdeflate", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, is_decompress == NULL ? compress_execute : decompress_execute, complete,
                         job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

NAPI_MODULE_INIT() {
  static int decompress_marker;
  napi_value compress, decompress;
  napi_create_function(env, "compress", NAPI_AUTO_LENGTH, start, NULL, &compress);
  napi_create_function(env, "decompress", NAPI_AUTO_LENGTH, start, &decompress_marker, &decompress);
  napi_set_named_property(env, exports, "compress", compress);
  napi_set_named_property(env, exports, "decompress", decompress);
  return exports;
}
