-- Argo CD health check for flagstaff.dev/FeatureFlag, from the operator's kstatus conditions.
-- Healthy: Ready=True for the current generation. Degraded: Stalled=True (the operator refuses the flag;
-- the message says why). Progressing: anything else, including no status yet.
local hs = { status = "Progressing", message = "Waiting for the Flagstaff operator" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= nil and observed ~= generation then
  hs.message = "Waiting for the Flagstaff operator to observe generation " .. generation
  return hs
end
local ready = nil
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Stalled" and condition.status == "True" then
    hs.status = "Degraded"
    hs.message = condition.message or condition.reason or "Stalled"
    return hs
  end
  if condition.type == "Ready" then
    ready = condition
  end
end
if ready ~= nil and ready.status == "True" then
  if generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration ~= generation then
    hs.message = "Waiting for the Flagstaff operator to observe generation " .. generation
    return hs
  end
  hs.status = "Healthy"
  hs.message = ready.message or ""
elseif ready ~= nil and ready.message ~= nil then
  hs.message = ready.message
end
return hs
