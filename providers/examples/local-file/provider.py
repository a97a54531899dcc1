#!/usr/bin/env python3
"""fleet provider `local`: resource type `local.file`, a file on the deployer.

Speaks the fleet provider protocol (docs/provider-authors.md): JSON-RPC 2.0, one JSON object
per line on stdin/stdout; stderr is free log text. Python 3 standard library only.
"""
import hashlib
import json
import os
import re
import sys
import tempfile
import threading

PROTOCOL_VERSION = 1
TYPE = "local.file"
INPUTS = {
    "type": "object",
    "required": ["path", "content"],
    "properties": {
        "path": {"type": "string", "minLength": 1},
        "content": {"type": "string"},
        "mode": {"type": "string", "pattern": "^0?[0-7]{3}$", "default": "0644"},
    },
    "additionalProperties": False,
}
OUTPUTS = {
    "type": "object",
    "required": ["sha256", "size"],
    "properties": {
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "size": {"type": "integer", "minimum": 0},
    },
}

_out_lock = threading.Lock()
_cancelled = {}  # request id -> threading.Event
_cancelled_lock = threading.Lock()


class ResourceFailed(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class Cancelled(Exception):
    pass


def send(message):
    line = json.dumps(message, separators=(",", ":"), ensure_ascii=False)
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def notify(method, params):
    send({"jsonrpc": "2.0", "method": method, "params": params})


def log(level, resource, text):
    notify("log", {"level": level, "resource": resource, "text": text})


def progress(resource, stage, fraction=None):
    notify("progress", {"resource": resource, "stage": stage, "fraction": fraction})


def mode_of(inputs):
    return inputs.get("mode") or "0644"


def outputs_for(content_bytes):
    return {"sha256": hashlib.sha256(content_bytes).hexdigest(), "size": len(content_bytes)}


def check_inputs(inputs):
    problems = []
    if not isinstance(inputs, dict):
        return [{"severity": "error", "message": "inputs must be an object", "field": None}]
    for name in ("path", "content"):
        if not isinstance(inputs.get(name), str):
            problems.append({"severity": "error", "message": f"`{name}` must be a string", "field": name})
    if isinstance(inputs.get("path"), str) and not os.path.isabs(inputs["path"]):
        problems.append({"severity": "error", "message": "`path` must be absolute", "field": "path"})
    mode = inputs.get("mode", "0644")
    if mode is not None and (not isinstance(mode, str) or not re.fullmatch(r"0?[0-7]{3}", mode)):
        problems.append({"severity": "error", "message": "`mode` must be an octal string like \"0644\"", "field": "mode"})
    for name in inputs:
        if name not in INPUTS["properties"]:
            problems.append({"severity": "error", "message": f"unknown input `{name}`", "field": name})
    return problems


def normalized(inputs):
    result = dict(inputs or {})
    result["mode"] = mode_of(result)
    return result


def check_cancel(request_id):
    with _cancelled_lock:
        event = _cancelled.get(request_id)
    if event is not None and event.is_set():
        raise Cancelled()


def write_file(resource, inputs, request_id):
    problems = check_inputs(inputs)
    if any(p["severity"] == "error" for p in problems):
        raise ResourceFailed("; ".join(p["message"] for p in problems))
    path = inputs["path"]
    data = inputs["content"].encode("utf-8")
    directory = os.path.dirname(path) or "."
    progress(resource, "writing", 0.0)
    os.makedirs(directory, exist_ok=True)
    check_cancel(request_id)
    fd, temp = tempfile.mkstemp(prefix=".fleet-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, int(mode_of(inputs), 8))
        check_cancel(request_id)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    progress(resource, "written", 1.0)
    log("info", resource, f"wrote {len(data)} bytes to {path}")
    return outputs_for(data)


def handle(method, params, request_id):
    if method == "initialize":
        return {
            "name": "local",
            "version": "0.1.0",
            "protocolVersion": PROTOCOL_VERSION,
            "resourceTypes": [{
                "type": TYPE,
                "inputs": INPUTS,
                "outputs": OUTPUTS,
                "sensitiveInputs": [],
                "sensitiveOutputs": [],
            }],
        }
    if method not in ("validate", "plan", "create", "update", "read", "delete"):
        raise MethodNotFound(f"no method `{method}`")
    if params.get("type") != TYPE:
        raise InvalidParams(f"unknown resource type `{params.get('type')}`")
    resource = params.get("id")
    if method == "validate":
        return {"diagnostics": check_inputs(params.get("inputs"))}
    if method == "plan":
        prior, desired = params.get("priorInputs"), normalized(params.get("desiredInputs"))
        if prior is None:
            return {"action": "create", "changedFields": sorted(desired), "unknownOutputs": ["sha256", "size"],
                    "reason": "new file"}
        prior = normalized(prior)
        changed = sorted(k for k in set(prior) | set(desired) if prior.get(k) != desired.get(k))
        if not changed:
            return {"action": "noop", "changedFields": [], "unknownOutputs": []}
        if "path" in changed:
            return {"action": "replace", "changedFields": changed, "unknownOutputs": ["sha256", "size"],
                    "reason": "a file cannot move; it is written anew"}
        unknown = ["sha256", "size"] if "content" in changed else []
        return {"action": "update", "changedFields": changed, "unknownOutputs": unknown}
    if method in ("create", "update"):
        inputs = params.get("inputs") or {}
        prior = params.get("priorInputs")
        if method == "update" and prior and prior.get("path") not in (None, inputs.get("path")):
            raise ResourceFailed("`path` changed: plan a replace, not an update", "path")
        return {"outputs": write_file(resource, inputs, request_id)}
    if method == "read":
        path = (params.get("inputs") or {}).get("path")
        if not isinstance(path, str) or not os.path.isfile(path):
            log("info", resource, f"{path} is gone")
            return {"exists": False, "inputs": None, "outputs": None}
        with open(path, "rb") as handle:
            data = handle.read()
        real = {"path": path, "content": data.decode("utf-8", errors="replace"),
                "mode": "0" + format(os.stat(path).st_mode & 0o777, "03o")}
        return {"exists": True, "inputs": real, "outputs": outputs_for(data)}
    if method == "delete":
        path = (params.get("inputs") or {}).get("path")
        progress(resource, "deleting")
        if isinstance(path, str) and os.path.lexists(path):
            os.unlink(path)
            log("info", resource, f"deleted {path}")
        return {}
    raise MethodNotFound(f"no method `{method}`")


class InvalidParams(Exception):
    pass


class MethodNotFound(Exception):
    pass


def serve(message):
    request_id = message.get("id")
    method = message.get("method")
    try:
        params = message.get("params") or {}
        if not isinstance(params, dict):
            raise InvalidParams("params must be an object")
        result = handle(method, params, request_id)
        send({"jsonrpc": "2.0", "id": request_id, "result": result})
    except Cancelled:
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32001, "message": "cancelled"}})
    except ResourceFailed as e:
        send({"jsonrpc": "2.0", "id": request_id, "error": {
            "code": -32000, "message": str(e),
            "data": {"diagnostics": [{"severity": "error", "message": str(e), "field": e.field}]}}})
    except InvalidParams as e:
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32602, "message": str(e)}})
    except MethodNotFound as e:
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32601, "message": str(e)}})
    except OSError as e:
        send({"jsonrpc": "2.0", "id": request_id, "error": {
            "code": -32000, "message": str(e),
            "data": {"diagnostics": [{"severity": "error", "message": str(e), "field": None}]}}})
    except Exception as e:  # a bug here must not take the other requests down
        print(f"internal error in {method}: {e!r}", file=sys.stderr, flush=True)
        send({"jsonrpc": "2.0", "id": request_id, "error": {"code": -32603, "message": repr(e)}})
    finally:
        with _cancelled_lock:
            _cancelled.pop(request_id, None)


def main():
    print("local provider ready", file=sys.stderr, flush=True)
    workers = []
    initialized = False
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError as e:
            send({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": f"parse error: {e}"}})
            continue
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0" or not isinstance(message.get("method"), str):
            if isinstance(message, dict) and "method" not in message:
                continue  # a response: this provider never sends requests
            send({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}})
            continue
        method = message["method"]
        if "id" not in message:
            if not initialized:
                continue  # nothing to cancel yet; notifications before `initialize` are dropped
            if method == "$/cancel":
                target = (message.get("params") or {}).get("id")
                with _cancelled_lock:
                    event = _cancelled.get(target)
                if event is not None:
                    event.set()
            continue
        if method == "shutdown":
            for worker in workers:
                worker.join(timeout=10)
            send({"jsonrpc": "2.0", "id": message["id"], "result": {}})
            return 0
        # Nothing but `initialize` (once) before `initialize`, answered in order like the C# ProviderServer.
        if method == "initialize" and initialized:
            send({"jsonrpc": "2.0", "id": message["id"], "error": {
                "code": -32600, "message": "`initialize` was already answered; send it once"}})
            continue
        if method != "initialize" and not initialized:
            send({"jsonrpc": "2.0", "id": message["id"], "error": {
                "code": -32002, "message": f"server not initialized: `{method}` before `initialize`"}})
            continue
        if method == "initialize":
            serve(message)
            initialized = True
            continue
        with _cancelled_lock:
            _cancelled[message["id"]] = threading.Event()
        worker = threading.Thread(target=serve, args=(message,), daemon=True)
        worker.start()
        workers = [w for w in workers if w.is_alive()] + [worker]
    return 0


if __name__ == "__main__":
    sys.exit(main())
