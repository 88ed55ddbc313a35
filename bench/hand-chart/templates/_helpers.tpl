{{- define "hand.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .app }}
app.kubernetes.io/part-of: {{ .app }}
app.kubernetes.io/managed-by: helm
{{- end -}}
{{- define "hand.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .app }}
{{- end -}}
