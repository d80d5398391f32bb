{{/*
Templates use only the Go-template subset that tests/Chart.Tests renders (its README lists it): no helm binary
exists where this chart is built, so every construct here must be one the tests can check.
*/}}

{{/* Name prefix of every object: at most 52 characters, so that "<prefix>-autoscaler" stays a DNS label. */}}
{{- define "rwa.fullname" -}}
{{ .Values.fullnameOverride | default .Release.Name | trunc 52 | trimSuffix "-" }}
{{- end }}

{{- define "rwa.autoscaler.name" -}}
{{ include "rwa.fullname" . }}-autoscaler
{{- end }}

{{- define "rwa.operator.name" -}}
{{ include "rwa.fullname" . }}-operator
{{- end }}

{{- define "rwa.autoscaler.serviceAccount" -}}
{{ .Values.autoscaler.serviceAccount.name | default (include "rwa.autoscaler.name" .) }}
{{- end }}

{{- define "rwa.operator.serviceAccount" -}}
{{ .Values.operator.serviceAccount.name | default (include "rwa.operator.name" .) }}
{{- end }}

{{- define "rwa.webhookSecret" -}}
{{ .Values.autoscaler.webhook.existingSecret | default (printf "%s-webhook" (include "rwa.autoscaler.name" .)) }}
{{- end }}

{{/* Labels shared by every object of the release. */}}
{{- define "rwa.labels" -}}
app.kubernetes.io/name: risingwave-autoscaler
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end }}

{{- define "rwa.autoscaler.selector" -}}
app.kubernetes.io/name: risingwave-autoscaler
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: autoscaler
{{- end }}

{{- define "rwa.operator.selector" -}}
app.kubernetes.io/name: risingwave-autoscaler
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The restricted Pod Security Standard: non-root, no privilege escalation, no capabilities, read-only root. */}}
{{- define "rwa.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1654
runAsGroup: 1654
fsGroup: 1654
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "rwa.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Non-empty when the replicas share the autoscalers: shards true, or auto with more than one replica. */}}
{{- define "rwa.autoscaler.shards" -}}
{{- if kindIs "string" .Values.autoscaler.shards -}}
{{- if gt (int .Values.autoscaler.replicas) 1 }}true{{ end -}}
{{- else if .Values.autoscaler.shards }}true{{ end -}}
{{- end -}}
