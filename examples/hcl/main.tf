# Virtual hosts of one P1AS environment in plain Terraform (no cdktf), through the p1as provider that
# `npm run provider:install` put in ~/.terraform.d/plugins.

terraform {
  # private_key_wo is a write-only attribute: terraform 1.11 or later.
  required_version = ">= 1.11"
  required_providers {
    p1as = {
      source  = "terraform.local/p1as-cdktf/p1as"
      version = "0.1.0"
    }
  }
}

# Everything comes from P1AS_API_URL, P1AS_TOKEN_URL, P1AS_CLIENT_ID, P1AS_CLIENT_SECRET and, optionally,
# P1AS_READ_CLIENT_ID, P1AS_READ_CLIENT_SECRET (a read-only client for every read), P1AS_SCOPE and
# P1AS_API_CONTRACT, so no secret is written in a .tf file. The provider reads the secrets itself, at plan and at
# apply, so a plan may run with the read-only client's secret alone.
provider "p1as" {}

resource "p1as_certificate" "wildcard" {
  name      = var.certificate_name
  fullchain = file(var.fullchain_file)
  # Write-only: the key goes to the API at apply and into no plan and no state.
  private_key_wo = var.private_key
  # Terraform cannot see a write-only value change; a new chain (a new leaf, so a new key) sends the key again.
  private_key_wo_version = sha256(file(var.fullchain_file))
}

resource "p1as_hostname" "this" {
  for_each = var.hostnames
  hostname = each.key
  product  = each.value
  # A reference, not the plain name: the certificate is created before its hostnames and deleted after them.
  certname = p1as_certificate.wildcard.name
}

# What the API holds, declared here or not.
data "p1as_certificates" "held" {
  depends_on = [p1as_certificate.wildcard]
}

data "p1as_hostnames" "held" {
  depends_on = [p1as_hostname.this]
}
