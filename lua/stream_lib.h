// The Lua stream library a module's stream function sees (`s : map(f) : filter(p) :
// aggregate(init, f) : reduce(f) : groupby(f)`), and the driver that applies one phase of it.
//
// Semantics follow aerospike-mod-lua's stream_ops.lua and aerospike.lua (apply_stream): the
// function gets an empty op list and returns it with ops appended; the SERVER phase runs the
// ops up to and including the first reduce, the CLIENT phase runs from that reduce on (the
// reduce merges the nodes' values). map/filter/aggregate before the first reduce are server
// only. A map whose function returns nil ends its stream, as in mod-lua. The code is our own.
//
// The chunk returns one function: apply(function_name, phase, inputs, n, ...args) -> table of
// output values (phase 1 server, 2 client; inputs[1..n] the stream).
#pragma once

namespace aero::modlua {

inline constexpr const char* kStreamLib = R"lua(
local SERVER, CLIENT, EITHER, BOTH = 1, 2, 3, 4
local Ops = {}
Ops.__index = Ops
local function push(self, scope, kind, a, b)
  local ops = rawget(self, '_ops')
  ops[#ops + 1] = { scope = scope, kind = kind, a = a, b = b }
  return self
end
function Ops:map(f) return push(self, EITHER, 'map', f) end
function Ops:filter(p) return push(self, EITHER, 'filter', p) end
function Ops:reduce(f) return push(self, BOTH, 'reduce', f) end
function Ops:aggregate(init, f) return push(self, SERVER, 'aggregate', init, f) end
function Ops:groupby(f)
  local function into(m, v)
    local k = f and f(v) or nil
    local l = m[k] or list()
    list.append(l, v)
    m[k] = l
    return m
  end
  local function concat(l1, l2)
    local l = list.clone(l1)
    for v in list.iterator(l2) do list.append(l, v) end
    return l
  end
  return self : aggregate(map(), into) : reduce(function(m1, m2) return map.merge(m1, m2, concat) end)
end

local function copy(v)
  local t = type(v)
  if t == 'table' then
    local o = {}
    for k, x in pairs(v) do o[k] = x end
    return o
  elseif t == 'userdata' then
    local mt = getmetatable(v)
    if mt == getmetatable(map()) then return map.clone(v) end
    if mt == getmetatable(list()) then return list.clone(v) end
  end
  return v
end

local function stage(src, op)
  local done = false
  if op.kind == 'map' then
    return function()
      if done then return nil end
      local v = src()
      if v == nil then done = true return nil end
      return op.a(v)
    end
  elseif op.kind == 'filter' then
    return function()
      if done then return nil end
      for v in src do
        if op.a(v) then return v end
      end
      done = true
      return nil
    end
  elseif op.kind == 'reduce' then
    return function()
      if done then return nil end
      done = true
      local acc = src()
      if acc == nil then return nil end
      for v in src do acc = op.a(acc, v) end
      return acc
    end
  else
    return function()
      if done then return nil end
      done = true
      local acc = copy(op.a)
      for v in src do acc = op.b(acc, v) end
      return acc
    end
  end
end

return function(fname, phase, inputs, n, ...)
  local f = _G[fname]
  if type(f) ~= 'function' then error('function not found', 0) end
  local ops = setmetatable({ _ops = {} }, Ops)
  local r = f(ops, ...)
  if getmetatable(r) == Ops then ops = r end
  local server, client, in_server = {}, {}, true
  for _, op in ipairs(rawget(ops, '_ops')) do
    if in_server then
      server[#server + 1] = op
      if op.scope == BOTH then
        client[#client + 1] = op
        in_server = false
      end
    else
      client[#client + 1] = op
    end
  end
  local i = 0
  local it = function()
    if i >= n then return nil end
    i = i + 1
    return inputs[i]
  end
  for _, op in ipairs(phase == CLIENT and client or server) do it = stage(it, op) end
  local out = {}
  for v in it do out[#out + 1] = v end
  return out
end
)lua";

}  // namespace aero::modlua
