/* The kept-descriptor reader of hog_procread (kept.c), exported by hog_procread.c's init. */
#ifndef HOG_PROCREAD_KEPT_H
#define HOG_PROCREAD_KEPT_H
#include <node_api.h>

napi_value kept_open(napi_env env, napi_callback_info info);
napi_value kept_read(napi_env env, napi_callback_info info);
napi_value kept_sweep(napi_env env, napi_callback_info info);
napi_value kept_close(napi_env env, napi_callback_info info);
napi_value kept_open_count(napi_env env, napi_callback_info info);

#endif
