// The C++ half of mpgd's Tcl extension: Tcl_InitStubs, one Tcl command per internal Rust
// command, and the conversion between Tcl objects and Rust strings. No logic lives here: every
// command calls the single Rust entry point mpgd::call (src/tcl/ffi.rs), which catches panics and
// returns Result; cxx turns an Err into rust::Error, caught below and returned as TCL_ERROR with its
// text, so no exception and no unwind ever reaches Tcl.
//
// Built with -DUSE_TCL_STUBS against the Tcl 8.6 headers and linked with libtclstub8.6.a (build.rs).
// The loader entry point Mpgd_Init is defined in Rust (a cdylib exports only Rust symbols) and
// forwards to mpgd_shim_init below.

// The cxx headers come first: tcl.h defines a `panic` macro (for Tcl_Panic) that would break
// cxx's own `panic<E>()` template.
#include "mpgd/src/tcl/ffi.rs.h"
#include "rust/cxx.h"

#include <tcl.h>
#ifdef panic
#undef panic
#endif

#include <exception>
#include <string>

namespace {

const char* const kSessionKey = "mpgd::session";

// The client data of one internal command: the interpreter's session and the command's name.
struct Entry {
  mpgd::Session* session;
  std::string name;
};

void set_error(Tcl_Interp* interp, const char* text) {
  Tcl_SetObjResult(interp, Tcl_NewStringObj(text, -1));
}

// Called by Tcl when the interpreter is deleted: frees the session (its design and prediction).
void delete_session(ClientData data, Tcl_Interp*) {
  // Taking the box back and dropping it runs Session's Rust destructor (plain data, no panics).
  rust::Box<mpgd::Session>::from_raw(static_cast<mpgd::Session*>(data));
}

void delete_entry(ClientData data) { delete static_cast<Entry*>(data); }

// Every internal command: words to Rust strings, one call, the result or the error back as a string.
int call_command(ClientData data, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
  const Entry* entry = static_cast<const Entry*>(data);
  try {
    rust::Vec<rust::String> words;
    words.reserve(objc > 1 ? objc - 1 : 0);
    for (int i = 1; i < objc; ++i) {
      int len = 0;
      const char* s = Tcl_GetStringFromObj(objv[i], &len);
      words.push_back(rust::String::lossy(s, static_cast<std::size_t>(len)));
    }
    rust::String out = mpgd::call(*entry->session, entry->name, std::move(words));
    Tcl_SetObjResult(interp, Tcl_NewStringObj(out.data(), static_cast<int>(out.size())));
    return TCL_OK;
  } catch (const rust::Error& e) {
    set_error(interp, e.what());
  } catch (const std::exception& e) {
    std::string text = "mpgd: internal error in " + entry->name + ": " + e.what();
    set_error(interp, text.c_str());
  } catch (...) {
    set_error(interp, "mpgd: internal error: unknown C++ exception");
  }
  return TCL_ERROR;
}

// The interpreter's session, created on the first load into this interpreter and kept on later ones.
mpgd::Session* session_of(Tcl_Interp* interp) {
  void* existing = Tcl_GetAssocData(interp, kSessionKey, nullptr);
  if (existing != nullptr) {
    return static_cast<mpgd::Session*>(existing);
  }
  mpgd::Session* created = mpgd::new_session().into_raw();
  Tcl_SetAssocData(interp, kSessionKey, delete_session, created);
  return created;
}

int init(Tcl_Interp* interp) {
  if (Tcl_InitStubs(interp, "8.6", 0) == nullptr) {
    return TCL_ERROR;  // Tcl_InitStubs left its message in the result
  }
  if (Tcl_Eval(interp, "namespace eval ::mpgd {}") != TCL_OK) {
    return TCL_ERROR;
  }
  mpgd::Session* session = session_of(interp);
  for (const rust::String& name : mpgd::command_names()) {
    std::string qualified = "::mpgd::" + std::string(name);
    Tcl_CreateObjCommand(interp, qualified.c_str(), call_command,
                         new Entry{session, std::string(name)}, delete_entry);
  }
  rust::String script = mpgd::init_script();
  if (Tcl_EvalEx(interp, script.data(), static_cast<int>(script.size()), TCL_EVAL_GLOBAL) !=
      TCL_OK) {
    return TCL_ERROR;
  }
  rust::String version = mpgd::package_version();
  return Tcl_PkgProvide(interp, "mpgd", std::string(version).c_str());
}

}  // namespace

// Forwarded to by Mpgd_Init (src/tcl/ffi.rs). Never throws: a failure is TCL_ERROR and a message.
extern "C" int mpgd_shim_init(Tcl_Interp* interp) noexcept {
  try {
    return init(interp);
  } catch (const rust::Error& e) {
    set_error(interp, e.what());
  } catch (const std::exception& e) {
    std::string text = std::string("mpgd: internal error while loading: ") + e.what();
    set_error(interp, text.c_str());
  } catch (...) {
    set_error(interp, "mpgd: internal error while loading: unknown C++ exception");
  }
  return TCL_ERROR;
}
