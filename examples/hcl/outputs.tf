output "certificate" {
  value = {
    name               = p1as_certificate.wildcard.name
    sha256_fingerprint = p1as_certificate.wildcard.sha256_fingerprint
    not_after          = p1as_certificate.wildcard.not_after
  }
}

output "hostnames" {
  value = { for name, host in p1as_hostname.this : name => host.status }
}

output "held" {
  value = {
    certificates = [for c in data.p1as_certificates.held.certificates : c.name]
    hostnames    = [for h in data.p1as_hostnames.held.hostnames : h.hostname]
  }
}
