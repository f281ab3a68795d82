# shellcheck shell=bash
# Sourced by scripts/k8s-real-node.sh: the cluster's certificates and kubeconfigs, made with
# openssl under $RN_PKI (one CA signs everything; the test bed is thrown away after each run).
# Identities follow https://kubernetes.io/docs/setup/best-practices/certificates/.

# cert NAME COMMON_NAME ORGANIZATION [SUBJECT_ALT_NAMES]: a key and a certificate signed by the CA;
# with SANs it is a server (and client) certificate, without them a client certificate.
rn_cert() {
  local name="$1" cn="$2" org="$3" san="${4:-}" ext
  [[ -f "$RN_PKI/$name.crt" ]] && return 0
  ext="$(mktemp)"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$RN_PKI/$name.key" -out "$RN_PKI/$name.csr" \
    -subj "/CN=$cn${org:+/O=$org}" 2>/dev/null
  openssl x509 -req -in "$RN_PKI/$name.csr" -CA "$RN_PKI/ca.crt" -CAkey "$RN_PKI/ca.key" \
    -CAcreateserial -out "$RN_PKI/$name.crt" -days 30 -extfile "$ext" 2>/dev/null
  rm -f "$RN_PKI/$name.csr" "$ext"
}

# kubeconfig NAME USER: a kubeconfig for NAME's certificate, pointed at the apiserver on loopback.
rn_kubeconfig() {
  local name="$1" user="$2"
  [[ -f "$RN_PKI/$name.kubeconfig" ]] && return 0
  cat >"$RN_PKI/$name.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: berth-real-node
  cluster:
    server: https://127.0.0.1:$RN_APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$RN_PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$RN_PKI/$name.crt")
    client-key-data: $(base64 -w0 "$RN_PKI/$name.key")
contexts:
- name: berth-real-node
  context: {cluster: berth-real-node, user: $user}
current-context: berth-real-node
EOF
  chmod 600 "$RN_PKI/$name.kubeconfig"
}

rn_pki() {
  mkdir -p "$RN_PKI"
  chmod 700 "$RN_PKI"
  [[ -f "$RN_PKI/ca.crt" ]] || openssl req -x509 -newkey rsa:2048 -nodes -keyout "$RN_PKI/ca.key" \
    -out "$RN_PKI/ca.crt" -days 30 -subj "/CN=berth-real-node-ca" 2>/dev/null
  if [[ ! -f "$RN_PKI/sa.key" ]]; then
    openssl genrsa -out "$RN_PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$RN_PKI/sa.key" -pubout -out "$RN_PKI/sa.pub" 2>/dev/null
  fi
  rn_cert apiserver kube-apiserver "" \
    "IP:127.0.0.1,IP:$RN_NODE_IP,IP:$RN_APISERVER_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  rn_cert admin admin system:masters
  rn_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  # The aggregator's identity towards metrics-server (requestheader authentication).
  rn_cert front-proxy-client front-proxy-client ""
  rn_cert kubelet "system:node:$RN_NODE_NAME" system:nodes
  rn_cert kube-proxy system:kube-proxy ""
  rn_cert controller-manager system:kube-controller-manager ""
  rn_cert scheduler system:kube-scheduler ""
  rn_kubeconfig admin admin
  rn_kubeconfig kubelet "system:node:$RN_NODE_NAME"
  rn_kubeconfig kube-proxy system:kube-proxy
  rn_kubeconfig controller-manager system:kube-controller-manager
  rn_kubeconfig scheduler system:kube-scheduler
}
