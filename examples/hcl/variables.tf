variable "certificate_name" {
  description = "The API's certificate name: lowercase DNS-1123."
  type        = string
  default     = "wildcard-example"
}

variable "fullchain_file" {
  description = "PEM file with the leaf certificate first, then its issuers."
  type        = string
}

variable "private_key" {
  description = "The leaf's unencrypted private key PEM. Set TF_VAR_private_key=\"$(cat key.pem)\"."
  type        = string
  sensitive   = true
  # Ephemeral: the value exists only while terraform runs; it enters no plan file and no state.
  ephemeral = true
}

variable "hostnames" {
  description = "Hostname -> product it routes to; every hostname must be covered by the certificate."
  type        = map(string)
  default = {
    "auth.dev.acme.example"  = "pingfederate-engines"
    "admin.dev.acme.example" = "pingfederate-admin-api"
  }
}
