// lifecycled support console: plain JavaScript over the Connect protocol
// (POST /lifecycle.v1.<Service>/<Method>, JSON bodies), the same API and the
// same rules as every gRPC client. The key lives in this tab's
// sessionStorage only.
'use strict';

const $ = (id) => document.getElementById(id);
let apiKey = sessionStorage.getItem('lifecycled.apiKey') || '';
let currentCustomerId = '';

// ------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(error, httpStatus) {
    super(error.message || 'HTTP ' + httpStatus);
    this.code = error.code || 'unknown';
    this.details = error.details || [];
    this.httpStatus = httpStatus;
  }
}

async function call(method, request) {
  const headers = { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' };
  if (apiKey) headers.Authorization = 'Bearer ' + apiKey;
  const response = await fetch('/lifecycle.v1.' + method, {
    method: 'POST', headers, body: JSON.stringify(request || {}),
  });
  const text = await response.text();
  let body = {};
  try { body = text ? JSON.parse(text) : {}; } catch (_) { body = { message: text }; }
  if (!response.ok) throw new ApiError(body, response.status);
  return body;
}

function newRequestId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return 'console-' + Date.now() + '-' + Math.random().toString(16).slice(2);
}

// Field names as the API names them: proto paths, e.g. follow_up.agent_id.
function fieldViolations(error) {
  const out = [];
  for (const detail of error.details) {
    if (detail.type === 'google.rpc.BadRequest' && detail.debug) {
      for (const v of detail.debug.fieldViolations || []) out.push(v.field + ': ' + v.description);
    }
  }
  return out;
}

// What an agent should read for an error, by Connect code.
function describe(error) {
  if (!(error instanceof ApiError)) return 'Cannot reach the server: ' + error.message;
  switch (error.code) {
    case 'unauthenticated':
      return 'The API key was not accepted (' + error.message + '). Paste a valid key.';
    case 'permission_denied':
      return 'This key may not do that: ' + error.message;
    case 'not_found':
      return 'Not found: ' + error.message;
    case 'invalid_argument': {
      const fields = fieldViolations(error);
      return fields.length ? 'Please fix: ' + fields.join('; ') : 'Invalid request: ' + error.message;
    }
    case 'failed_precondition':
      return 'Not possible now: ' + error.message;
    case 'aborted':
      return 'Someone else changed this customer meanwhile; look it up again. (' + error.message + ')';
    case 'resource_exhausted':
      return 'Too many requests or too large: ' + error.message;
    case 'unavailable':
      return 'The service is unavailable right now; try again shortly.';
    default:
      return error.code + ': ' + error.message;
  }
}

// ------------------------------------------------------------------ UI helpers

function showError(error) {
  $('notice').hidden = true;
  $('error').textContent = typeof error === 'string' ? error : describe(error);
  $('error').hidden = false;
}

function showNotice(text) {
  $('error').hidden = true;
  $('notice').textContent = text;
  $('notice').hidden = false;
}

function clearMessages() {
  $('error').hidden = true;
  $('notice').hidden = true;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text === undefined || text === null ? '' : String(text);
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

const strip = (value, prefix) => (value || '').replace(prefix, '') || '—';
const when = (timestamp) => (timestamp ? new Date(timestamp).toLocaleString() : '—');

// ------------------------------------------------------------------ customer

async function lookUp(customerId) {
  clearMessages();
  currentCustomerId = customerId;
  let customer;
  try {
    customer = (await call('CustomerService/GetCustomer', { customerId })).customer;
  } catch (error) {
    $('customer').hidden = true;
    showError(error);
    return;
  }
  $('customer-title').textContent = customer.customerId;
  $('stage').textContent = strip(customer.stage, 'STAGE_');
  $('segment').textContent = customer.segmentId || '(none)';
  $('version').textContent = customer.version || '0';
  $('customer').hidden = false;
  await Promise.all([loadHealth(customerId), loadChecklist(customerId), loadCrossSell(customerId),
    loadFollowUps(customerId)]);
}

async function loadHealth(customerId) {
  $('drivers').replaceChildren();
  try {
    const { health, drivers } = await call('RetentionService/GetHealth', { customerId });
    $('health-summary').textContent = 'Score ' + Math.round(health.score || 0) + ' — ' +
      strip(health.band, 'HEALTH_BAND_') + ', trend ' + strip(health.trend, 'HEALTH_TREND_');
    for (const driver of drivers || []) {
      const li = document.createElement('li');
      const points = Number(driver.points || 0);
      li.textContent = strip(driver.signal && driver.signal.kind, 'SIGNAL_KIND_') + ': ' +
        (points >= 0 ? '+' : '') + points.toFixed(1) + ' points (' +
        when(driver.signal && driver.signal.occurTime) + ')';
      $('drivers').appendChild(li);
    }
    if (!(drivers || []).length) $('health-summary').textContent += '; no signals yet';
  } catch (error) {
    $('health-summary').textContent = describe(error);
  }
}

async function loadChecklist(customerId) {
  const body = $('checklist').querySelector('tbody');
  body.replaceChildren();
  try {
    const { checklist } = await call('OnboardingService/GetChecklist', { customerId });
    renderChecklist(checklist);
  } catch (error) {
    $('checklist-summary').textContent =
      error.code === 'not_found' ? 'No onboarding checklist for this customer.' : describe(error);
  }
}

function renderChecklist(checklist) {
  const body = $('checklist').querySelector('tbody');
  body.replaceChildren();
  $('checklist-summary').textContent = (checklist.progressPercent || 0) + '% done, ' +
    (checklist.openRequiredSteps || 0) + ' required step(s) open' +
    (checklist.closeTime ? ' (closed: ' + strip(checklist.closeStage, 'STAGE_') + ')' : '');
  for (const step of checklist.steps || []) {
    const row = document.createElement('tr');
    row.dataset.stepId = step.stepId;
    cell(row, step.stepId);
    cell(row, step.title);
    cell(row, step.required ? 'yes' : 'no');
    cell(row, strip(step.status, 'STEP_STATUS_') + (step.overdue ? ' (overdue)' : ''), 'step-status');
    cell(row, when(step.dueTime));
    const action = cell(row, '');
    if (step.status === 'STEP_STATUS_PENDING' || !step.status) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Complete';
      button.className = 'complete-step';
      button.addEventListener('click', () => completeStep(step.stepId));
      action.appendChild(button);
    }
    body.appendChild(row);
  }
}

async function completeStep(stepId) {
  clearMessages();
  try {
    const response = await call('OnboardingService/CompleteStep', {
      customerId: currentCustomerId, stepId, requestId: newRequestId(),
    });
    renderChecklist(response.checklist);
    showNotice('Step ' + stepId + ' completed' +
      (response.transition ? '; the customer moved to ' + strip(response.transition.toStage, 'STAGE_') : '') + '.');
    if (response.transition) $('stage').textContent = strip(response.transition.toStage, 'STAGE_');
  } catch (error) {
    showError(error);
  }
}

// Readiness in words, what stands in the way, and what to offer next with
// the evidence a support agent can repeat ("9 in 10 customers holding ...").
// CrossSellService may not be deployed on an older server: say so.
async function loadCrossSell(customerId) {
  const box = $('cross-sell');
  box.replaceChildren();
  box.className = '';
  try {
    const { readiness = {} } = await call('CrossSellService/GetCrossSellReadiness', { customerId });
    const list = document.createElement('dl');
    list.className = 'facts';
    const fact = (term, text) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = text;
      list.append(dt, dd);
    };
    fact('Readiness', (readiness.readiness || 'READINESS_UNSPECIFIED').replace('READINESS_', ''));
    for (const issue of readiness.issues || []) fact('Blocked by', issue.description || issue.blocker);
    for (const reason of readiness.reasons || []) fact('Why', reason);
    for (const next of readiness.nextProducts || []) {
      const product = next.product || {};
      const evidence = next.evidence || {};
      const parts = [];
      if (evidence.rule) {
        parts.push(`confidence ${Math.round((evidence.rule.confidence || 0) * 100)}% from `
          + `${(evidence.rule.antecedentProductIds || []).join(' + ')}`);
      }
      if (evidence.ladderStep) parts.push(`ladder step ${evidence.ladderStep}`);
      if (evidence.segmentTakeUpRate) {
        parts.push(`segment take-up ${Math.round(evidence.segmentTakeUpRate * 100)}%`);
      }
      fact('Offer next', `${product.displayName || product.productId}`
        + (parts.length ? ` (${parts.join('; ')})` : ''));
    }
    box.appendChild(list);
  } catch (error) {
    const unavailable = error.code === 'unimplemented' || error.httpStatus === 404;
    box.textContent = unavailable && error.code !== 'not_found' ? 'Not available on this server.'
      : describe(error);
    box.className = 'muted';
  }
}

async function loadFollowUps(customerId) {
  const list = $('follow-ups');
  list.replaceChildren();
  try {
    const { followUps } = await call('OnboardingService/ListFollowUps', { customerId, pageSize: 20 });
    for (const f of followUps || []) {
      const li = document.createElement('li');
      li.textContent = when(f.createTime) + ' — ' + f.agentId + ' via ' + strip(f.channel, 'CHANNEL_') +
        ': ' + strip(f.outcome, 'FOLLOW_UP_OUTCOME_') + (f.note ? ' — ' + f.note : '');
      list.appendChild(li);
    }
  } catch (error) {
    const li = document.createElement('li');
    li.textContent = describe(error);
    list.appendChild(li);
  }
}

async function logFollowUp() {
  clearMessages();
  const neededHelp = $('fu-needed-help').checked;
  const followUp = {
    customerId: currentCustomerId,
    agentId: $('fu-agent').value.trim(),
    channel: $('fu-channel').value,
    activated: $('fu-activated').value,
    neededHelp,
    outcome: $('fu-outcome').value,
    note: $('fu-note').value,
  };
  if (neededHelp && $('fu-help-kind').value) followUp.helpKind = $('fu-help-kind').value;
  try {
    const { followUp: logged } = await call('OnboardingService/LogFollowUp',
      { followUp, requestId: newRequestId() });
    showNotice('Follow-up #' + logged.followUpId + ' logged.');
    $('fu-note').value = '';
    await loadFollowUps(currentCustomerId);
  } catch (error) {
    showError(error);
  }
}

// ------------------------------------------------------------------ at risk

async function loadAtRisk() {
  const body = $('at-risk').querySelector('tbody');
  body.replaceChildren();
  try {
    const { customers } = await call('RetentionService/ListAtRiskCustomers', { pageSize: 50 });
    for (const c of customers || []) {
      const row = document.createElement('tr');
      const link = document.createElement('a');
      link.className = 'customer-link';
      link.textContent = c.customerId;
      link.addEventListener('click', () => {
        $('customer-id').value = c.customerId;
        lookUp(c.customerId);
      });
      cell(row, '').appendChild(link);
      cell(row, Math.round(c.score || 0));
      cell(row, strip(c.band, 'HEALTH_BAND_'), 'band-' + strip(c.band, 'HEALTH_BAND_'));
      cell(row, strip(c.stage, 'STAGE_'));
      cell(row, c.segmentId || '');
      body.appendChild(row);
    }
    if (!(customers || []).length) {
      const row = document.createElement('tr');
      cell(row, 'Nobody is at risk.', 'muted').colSpan = 5;
      body.appendChild(row);
    }
  } catch (error) {
    showError(error);
  }
}

// ------------------------------------------------------------------ wiring

async function useKey() {
  apiKey = $('api-key').value.trim();
  sessionStorage.setItem('lifecycled.apiKey', apiKey);
  clearMessages();
  try {
    const { tenant } = await call('AdminService/GetTenant', {});
    $('key-status').textContent = 'tenant ' + tenant.name;
  } catch (error) {
    $('key-status').textContent = 'key not accepted';
    showError(error);
    return;
  }
  await loadAtRisk();
}

document.addEventListener('DOMContentLoaded', () => {
  $('key-form').addEventListener('submit', (event) => { event.preventDefault(); useKey(); });
  $('lookup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    lookUp($('customer-id').value.trim());
  });
  $('follow-up-form').addEventListener('submit', (event) => { event.preventDefault(); logFollowUp(); });
  $('refresh-at-risk').addEventListener('click', loadAtRisk);
  if (apiKey) {
    $('api-key').value = apiKey;
    $('key-status').textContent = 'key set';
  }
});
