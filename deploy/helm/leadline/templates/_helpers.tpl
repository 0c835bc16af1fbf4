{{/* Names and labels */}}
{{- define "leadline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "leadline.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "leadline.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "leadline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "leadline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "leadline.labels" -}}
helm.sh/chart: {{ include "leadline.chart" . }}
{{ include "leadline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: leadline
{{- end }}

{{/* Labels of one role's objects: (dict "root" $ "role" "web") */}}
{{- define "leadline.roleSelectorLabels" -}}
{{ include "leadline.selectorLabels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "leadline.roleLabels" -}}
{{ include "leadline.labels" .root }}
app.kubernetes.io/component: {{ .role }}
{{- end }}

{{- define "leadline.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "leadline.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "leadline.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "true" when Telegram runs in webhook mode (updates arrive at the web role) */}}
{{- define "leadline.webhookMode" -}}
{{- if .Values.config.TELEGRAM_WEBHOOK_URL }}true{{ end }}
{{- end }}

{{/* "true" when the role gets a Deployment of its own: (dict "root" $ "role" "web") */}}
{{- define "leadline.roleDeployed" -}}
{{- $v := index .root.Values .role }}
{{- if and $v.enabled (not (and (eq .role "telegram") (include "leadline.webhookMode" .root))) }}true{{ end }}
{{- end }}

{{/* LEADLINE_ROLES of a role's pods: in webhook mode the web pods also take the telegram role (they set the webhook) */}}
{{- define "leadline.roles" -}}
{{- if and (eq .role "web") .root.Values.telegram.enabled (include "leadline.webhookMode" .root) }}web,telegram{{ else }}{{ .role }}{{ end }}
{{- end }}

{{/* "true" when the role can run more than one pod */}}
{{- define "leadline.scalable" -}}
{{- $v := index .root.Values .role }}
{{- if or (gt (int $v.replicaCount) 1) (dig "autoscaling" "enabled" false $v) }}true{{ end }}
{{- end }}

{{/* The ConfigMap's data: the non-empty settings of .Values.config */}}
{{- define "leadline.configData" -}}
{{- range $key, $value := .Values.config }}
{{- if not (kindIs "invalid" $value) }}
{{- if ne (toString $value) "" }}
{{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq (toString (default "" .Values.config.FILE_STORAGE_DIR)) "" }}
FILE_STORAGE_DIR: {{ .Values.files.mountPath | quote }}
{{- end }}
{{- end }}

{{/* The chart-made Secret's data: the non-empty values of .Values.secrets */}}
{{- define "leadline.secretData" -}}
{{- range $key, $value := .Values.secrets }}
{{- if not (kindIs "invalid" $value) }}
{{- if ne (toString $value) "" }}
{{ $key }}: {{ toString $value | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Fails the render when a required connection has no source */}}
{{- define "leadline.validate" -}}
{{- $s := .Values.secrets }}
{{- if not (or $s.DATABASE_URL .Values.existingSecret (hasKey .Values.secretRefs "DATABASE_URL")) }}
{{- fail "DATABASE_URL has no source: set secrets.DATABASE_URL, existingSecret (a Secret with a DATABASE_URL key) or secretRefs.DATABASE_URL" }}
{{- end }}
{{- if not (or $s.REDIS_URL .Values.existingSecret (hasKey .Values.secretRefs "REDIS_URL") .Values.config.REDIS_CLUSTER_NODES) }}
{{- fail "REDIS_URL has no source: set secrets.REDIS_URL, existingSecret (a Secret with a REDIS_URL key), secretRefs.REDIS_URL or config.REDIS_CLUSTER_NODES" }}
{{- end }}
{{- if and .Values.worker.autoscaling.queueDepth.enabled (not (has .Values.worker.autoscaling.queueDepth.provider (list "prometheus-adapter" "keda"))) }}
{{- fail "worker.autoscaling.queueDepth.provider must be prometheus-adapter or keda" }}
{{- end }}
{{- end }}

{{/* envFrom of every Leadline container: settings, then the chart's Secret, then yours */}}
{{- define "leadline.envFrom" -}}
- configMapRef:
    name: {{ .name }}
{{- if include "leadline.secretData" .root }}
- secretRef:
    name: {{ .name }}
{{- end }}
{{- with .root.Values.existingSecret }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end }}

{{/* env of a Leadline container: (dict "root" $ "role" "web"); role "" for the migration Job */}}
{{- define "leadline.env" -}}
{{- $root := .root }}
{{- if .role }}
- name: LEADLINE_ROLES
  value: {{ include "leadline.roles" . | quote }}
{{- if eq .role "web" }}
- name: HTTP_PORT
  value: {{ $root.Values.web.port | quote }}
{{- else if $root.Values.metrics.enabled }}
- name: METRICS_PORT
  value: {{ $root.Values.metrics.port | quote }}
{{- end }}
{{- end }}
{{- range $name, $ref := $root.Values.secretRefs }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secretRefs.%s.name is required" $name) $ref.name }}
      key: {{ required (printf "secretRefs.%s.key is required" $name) $ref.key }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- if .role }}
{{- with (index $root.Values .role).extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end }}

{{/* The pod-level pieces every Leadline pod shares */}}
{{- define "leadline.podCommon" -}}
serviceAccountName: {{ include "leadline.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.automountServiceAccountToken }}
enableServiceLinks: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The volume FILE_STORAGE=disk writes to: the shared claim, else an emptyDir */}}
{{- define "leadline.filesVolume" -}}
- name: files
{{- if .Values.files.existingClaim }}
  persistentVolumeClaim:
    claimName: {{ .Values.files.existingClaim }}
{{- else if .Values.files.sizeLimit }}
  emptyDir:
    sizeLimit: {{ .Values.files.sizeLimit }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}

{{- define "leadline.tmpVolume" -}}
- name: tmp
{{- if .Values.tmp.sizeLimit }}
  emptyDir:
    sizeLimit: {{ .Values.tmp.sizeLimit }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end }}
