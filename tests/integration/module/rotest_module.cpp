// A tiny Redis module with a data type of its own, so the RDB tests read a module value that a
// real server wrote (RDB_TYPE_MODULE_2: a module id, then typed fields up to an EOF opcode).
// Written against the module ABI (the context's first word is the API lookup function, each API
// is fetched by its "RedisModule_" name); Valkey registers the same names. No redismodule.h:
// only the handful of calls used here are declared.
//
//   ROTEST.SET key n text   stores {n, text} as a "rotestty1" value (encoding version 1)
//
// It is loaded with --loadmodule by rdb_test.cpp and is never linked into redis-ops.
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

struct Ctx;
struct Str;
struct Key;
struct Io;
struct Type;

using GetApi = int (*)(const char*, void*);
using CmdFunc = int (*)(Ctx*, Str**, int);

struct TypeMethods {  // the version 1 prefix of RedisModuleTypeMethods
    uint64_t version;
    void* (*rdb_load)(Io*, int);
    void (*rdb_save)(Io*, void*);
    void (*aof_rewrite)(void*, Str*, void*);
    size_t (*mem_usage)(const void*);
    void (*digest)(void*, void*);
    void (*free)(void*);
};

constexpr int kOk = 0, kErr = 1, kApiVersion1 = 1, kWrite = 1 << 1, kKeyEmpty = 0;

void (*set_module_attribs)(Ctx*, const char*, int, int);
Type* (*create_data_type)(Ctx*, const char*, int, TypeMethods*);
int (*create_command)(Ctx*, const char*, CmdFunc, const char*, int, int, int);
Key* (*open_key)(Ctx*, Str*, int);
void (*close_key)(Key*);
int (*key_type)(Key*);
int (*module_type_set_value)(Key*, Type*, void*);
int (*reply_with_simple_string)(Ctx*, const char*);
int (*reply_with_error)(Ctx*, const char*);
int (*wrong_arity)(Ctx*);
int (*string_to_long_long)(const Str*, long long*);
const char* (*string_ptr_len)(const Str*, size_t*);
void (*save_unsigned)(Io*, uint64_t);
uint64_t (*load_unsigned)(Io*);
void (*save_string_buffer)(Io*, const char*, size_t);
char* (*load_string_buffer)(Io*, size_t*);
void* (*alloc)(size_t);
void (*free_memory)(void*);

Type* rotest_type = nullptr;

struct Value {
    uint64_t n;
    char* text;
    size_t len;
};

void free_value(void* p) {
    auto* v = static_cast<Value*>(p);
    free_memory(v->text);
    free_memory(v);
}

void save(Io* io, void* p) {
    auto* v = static_cast<Value*>(p);
    save_unsigned(io, v->n);
    save_string_buffer(io, v->text, v->len);
}

void* load(Io* io, int encver) {
    if (encver != 1) return nullptr;
    auto* v = static_cast<Value*>(alloc(sizeof(Value)));
    v->n = load_unsigned(io);
    char* loaded = load_string_buffer(io, &v->len);
    v->text = static_cast<char*>(alloc(v->len + 1));
    std::memcpy(v->text, loaded, v->len);
    v->text[v->len] = '\0';
    free_memory(loaded);
    return v;
}

size_t mem_usage(const void* p) { return sizeof(Value) + static_cast<const Value*>(p)->len; }

int set_command(Ctx* ctx, Str** argv, int argc) {
    if (argc != 4) return wrong_arity(ctx);
    long long n = 0;
    if (string_to_long_long(argv[2], &n) != kOk || n < 0)
        return reply_with_error(ctx, "ERR n must be a non-negative integer");
    Key* key = open_key(ctx, argv[1], kWrite);
    if (key_type(key) != kKeyEmpty) {
        close_key(key);
        return reply_with_error(ctx, "ERR the key exists");
    }
    auto* v = static_cast<Value*>(alloc(sizeof(Value)));
    v->n = static_cast<uint64_t>(n);
    const char* text = string_ptr_len(argv[3], &v->len);
    v->text = static_cast<char*>(alloc(v->len + 1));
    std::memcpy(v->text, text, v->len);
    v->text[v->len] = '\0';
    module_type_set_value(key, rotest_type, v);
    close_key(key);
    return reply_with_simple_string(ctx, "OK");
}

template <class F>
bool fetch(GetApi get, const char* name, F& fn) {
    return get(name, reinterpret_cast<void*>(&fn)) == kOk;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int RedisModule_OnLoad(Ctx* ctx, Str**, int) {
    GetApi get = reinterpret_cast<GetApi>(reinterpret_cast<void**>(ctx)[0]);
    bool ok = fetch(get, "RedisModule_SetModuleAttribs", set_module_attribs) &&
              fetch(get, "RedisModule_CreateDataType", create_data_type) &&
              fetch(get, "RedisModule_CreateCommand", create_command) &&
              fetch(get, "RedisModule_OpenKey", open_key) &&
              fetch(get, "RedisModule_CloseKey", close_key) &&
              fetch(get, "RedisModule_KeyType", key_type) &&
              fetch(get, "RedisModule_ModuleTypeSetValue", module_type_set_value) &&
              fetch(get, "RedisModule_ReplyWithSimpleString", reply_with_simple_string) &&
              fetch(get, "RedisModule_ReplyWithError", reply_with_error) &&
              fetch(get, "RedisModule_WrongArity", wrong_arity) &&
              fetch(get, "RedisModule_StringToLongLong", string_to_long_long) &&
              fetch(get, "RedisModule_StringPtrLen", string_ptr_len) &&
              fetch(get, "RedisModule_SaveUnsigned", save_unsigned) &&
              fetch(get, "RedisModule_LoadUnsigned", load_unsigned) &&
              fetch(get, "RedisModule_SaveStringBuffer", save_string_buffer) &&
              fetch(get, "RedisModule_LoadStringBuffer", load_string_buffer) &&
              fetch(get, "RedisModule_Alloc", alloc) && fetch(get, "RedisModule_Free", free_memory);
    if (!ok) return kErr;
    set_module_attribs(ctx, "rotest", 1, kApiVersion1);
    TypeMethods tm{};
    tm.version = 1;
    tm.rdb_load = load;
    tm.rdb_save = save;
    tm.mem_usage = mem_usage;
    tm.free = free_value;
    rotest_type = create_data_type(ctx, "rotestty1", 1, &tm);  // type names are 9 characters
    if (!rotest_type) return kErr;
    return create_command(ctx, "rotest.set", set_command, "write deny-oom", 1, 1, 1);
}
