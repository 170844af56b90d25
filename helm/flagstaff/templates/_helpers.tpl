{{/*
Names. Every object is "<fullname>-<component>"; fullname is the release name, or
"<release>-flagstaff" when the release name does not already say flagstaff.
*/}}
{{- define "flagstaff.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "flagstaff.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "flagstaff.operator.fullname" -}}
{{- printf "%s-operator" (include "flagstaff.fullname" .) }}
{{- end }}

{{- define "flagstaff.endpoint.fullname" -}}
{{- printf "%s-slack-endpoint" (include "flagstaff.fullname" .) }}
{{- end }}

{{/* The environment this release serves: required, checked again by values.schema.json. */}}
{{- define "flagstaff.environment" -}}
{{- required "environment is required: the environment this release serves, e.g. --set environment=staging" .Values.environment }}
{{- end }}

{{- define "flagstaff.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "flagstaff.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flagstaff
flagstaff.dev/environment: {{ include "flagstaff.environment" . }}
{{- end }}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "operator"). */}}
{{- define "flagstaff.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flagstaff.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "flagstaff.componentLabels" -}}
{{ include "flagstaff.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "flagstaff.operator.serviceAccountName" -}}
{{- default (include "flagstaff.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "flagstaff.endpoint.serviceAccountName" -}}
{{- default (include "flagstaff.endpoint.fullname" .) .Values.endpoint.serviceAccount.name }}
{{- end }}

{{/* Image reference: tag defaults to the chart's appVersion. Call with (dict "ctx" $ "image" .Values.x.image). */}}
{{- define "flagstaff.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}

{{/* Leader election is on when asked for, and always with more than one operator replica. */}}
{{- define "flagstaff.operator.leaderElection" -}}
{{- if or .Values.operator.leaderElection.enabled (gt (int .Values.operator.replicas) 1) }}true{{ else }}false{{ end }}
{{- end }}

{{/* The namespaces the operator watches: "*" for all, else the list (default: the release namespace). */}}
{{- define "flagstaff.operator.watchAll" -}}
{{- if has "*" .Values.operator.watchNamespaces }}true{{ else }}false{{ end }}
{{- end }}

{{- define "flagstaff.operator.namespaces" -}}
{{- if .Values.operator.watchNamespaces }}
{{- join "," (uniq .Values.operator.watchNamespaces) }}
{{- else }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{/* The Secret holding the Slack signing secret and bot token. */}}
{{- define "flagstaff.slack.secretName" -}}
{{- if .Values.slack.createSecret }}
{{- printf "%s-slack" (include "flagstaff.fullname" .) }}
{{- else }}
{{- required "slack.existingSecret is required (or set slack.createSecret=true with slack.signingSecret and slack.botToken)" .Values.slack.existingSecret }}
{{- end }}
{{- end }}

{{/* Restricted pod security, the same for every pod and container of the chart. */}}
{{- define "flagstaff.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "flagstaff.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "flagstaff.prometheusAnnotations" -}}
{{- if .Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: "9090"
prometheus.io/path: /metrics
{{- end }}
{{- end }}

{{/* The operator's permissions in each namespace it watches (see README "Operator RBAC"). */}}
{{- /* Exactly the calls the operator was observed making on a real API server (helm/rbac/observed-calls.txt). */ -}}
{{- define "flagstaff.operator.rules" -}}
- apiGroups: ["flagstaff.dev"]
  resources: ["featureflags"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["flagstaff.dev"]
  resources: ["featureflags/status"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["create"]
- apiGroups: [""]
  resources: ["configmaps"]
  resourceNames: [{{ .Values.configMapName | quote }}]
  verbs: ["list", "watch", "patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["list", "watch"]
{{- end }}

{{/* Both processes answer /healthz and /readyz on the management port. */}}
{{- define "flagstaff.probes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: management
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /healthz
    port: management
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: management
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{/*
A PodDisruptionBudget for one component: minAvailable 1 when it runs more than one
replica, else maxUnavailable 1 (a lone pod may still be drained).
Call with (dict "ctx" $ "component" "operator" "name" "..." "replicas" n).
*/}}
{{- define "flagstaff.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "flagstaff.componentLabels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
spec:
  {{- if gt (int .replicas) 1 }}
  minAvailable: 1
  {{- else }}
  maxUnavailable: 1
  {{- end }}
  selector:
    matchLabels:
      {{- include "flagstaff.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 6 }}
{{- end }}

{{/*
"true" when the endpoint gets a Home template file (the feature view's or the fallback's), else empty. Each
template must be a JSON object with "type": "home"; a fallback template with homeFallback false is refused.
*/}}
{{- define "flagstaff.endpoint.homeTemplates" -}}
{{- $e := .Values.endpoint -}}
{{- if and $e.homeFallbackTemplate (not $e.homeFallback) -}}
{{- fail "endpoint.homeFallbackTemplate is set but endpoint.homeFallback is false: the fallback view would never be published; unset one of them" -}}
{{- end -}}
{{- range $name := list "homeTemplate" "homeFallbackTemplate" -}}
{{- with get $e $name -}}
{{- $view := fromJson . -}}
{{- if or (hasKey $view "Error") (ne (toString (get $view "type")) "home") (not (kindIs "slice" (get $view "blocks"))) -}}
{{- fail (printf "endpoint.%s must be a Block Kit view: a JSON object with \"type\": \"home\" and a \"blocks\" list" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if or $e.homeTemplate $e.homeFallbackTemplate -}}true{{- end -}}
{{- end -}}

{{/* The namespaces whose FeatureFlags the Slack command changes, comma-separated. */}}
{{- define "flagstaff.chatops.namespaces" -}}
{{- if .Values.chatops.namespaces }}
{{- join "," (uniq .Values.chatops.namespaces) }}
{{- else }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{/* The Slack command is on for this release: it needs the endpoint, and a policy naming who may use it. */}}
{{- define "flagstaff.chatops.enabled" -}}
{{- if and .Values.chatops.enabled .Values.endpoint.enabled }}
{{- if not .Values.chatops.policy.environments }}
{{- fail "chatops.enabled needs chatops.policy.environments: without it nobody may change any environment (see values.yaml)" }}
{{- end }}
{{- if and (eq .Values.chatops.target "git") (not .Values.chatops.git.existingSecret) }}
{{- fail "chatops.target git needs chatops.git.existingSecret: the Secret with the repository's credentials" }}
{{- end }}
{{- true }}
{{- end }}
{{- end }}
