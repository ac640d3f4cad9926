//! Test vectors and helpers shared by the OCI tests: Oracle's published
//! request-signing vector, Oracle's instance-principal test certificates,
//! a throwaway 2048-bit key and its openssl-made signatures.

use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::HeaderValue;
use reqwest::{Method, Request, Url};

use crate::oci::key::SigningKey;
use crate::oci::reference_rsa::ReferenceRsa;
use crate::oci::signer::{HeaderSet, Signer};

// Oracle's published test values: oci-go-sdk common/http_signer_test.go
// (oracle/oci-go-sdk @ 7ce2eb7c4688c212b7d1bdf8e7c759f52477cffa), the same
// as the OCI documentation's "Request Signatures" test values. The key is
// public test material, 1024 bits.
pub(crate) const VECTOR_KEY_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----
";
/// `VECTOR_KEY_PKCS1` converted offline with
/// `openssl pkcs8 -topk8 -nocrypt`.
pub(crate) const VECTOR_KEY_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAMIUQ0bDffIaKHL3
akONlCGXQLfqs8mP4K99ILz6rbyHEDXrVAU1R3XfC4JNRyrRB3aqwF7/aEXJzYMI
kmDSHUvvz7pnhQxHsQ5yl91QT0d/eb+Gz4VRHjm4El4MrUdIUcPxscoPqS/wU8Z8
lOi1z7bGMnChiL7WGqnV8h6RrGzJAgMBAAECgYEAlHxmQJS/HmTO/6612XtPkyei
t1PVO+hdckZcrtln5S68w1QJ03ZA9ziwGIBBa8vDVxIq3kOwpnxQROlg/Lyk9iec
MTPZ0NiJp7D37ESm5vJ5bagfhnHvXCoG04qSrCtdr+nN2mK5xFGOTq8TphjsQEGz
+Du5qdWkaJs5UASyofUCQQDsOSNUfbxYNSB/Weq9+fYqPoJPuchwTeMYmxlnvOVm
YGYcUM40wtStdH9mbelHmbS0KYGprlEr3m7jXaO3V08jAkEA0lPe/ymeS2HjxtCj
98p6Xq4RjJuhG0Dn+4e4eRnoVAXs5SQaiByZImW451zm3qEjVWwufRBkSNBkwQ5a
v7ApIwJBAILiRckSwcC97vug/oe0b8iISfuSnJRdE28WwMTRzOkkkG8v9pEVQnG5
Er3WOGMLrywDs2wowaDk5dvkjkmPfrECQQCAhPtoU5gEXAaBABCRY0ou/JKApsBl
FN4sFpykcy5B2XUN92e28DKqkBnSVjREqZYbpoUpqpB85coLJahSJWSdAkBeuWDJ
IVyL/a54qUgTVCoiItJnxXw6WkUtGdvWnMjtTXJBedMAQVgznrTImXNSk5vVXhxJ
wZ3frm2JIy/Es69M
-----END PRIVATE KEY-----
";
pub(crate) const VECTOR_TENANCY: &str =
    "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq";
pub(crate) const VECTOR_USER: &str =
    "ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq";
pub(crate) const VECTOR_FINGERPRINT: &str = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";
/// Note: 5 January 2014 was a Sunday; Oracle's vector says Thursday, so
/// it cannot come out of `httpdate` and is passed to `sign_with_date`.
pub(crate) const VECTOR_DATE: &str = "Thu, 05 Jan 2014 21:31:40 GMT";
pub(crate) const VECTOR_GET_URL: &str = "https://iaas.us-phoenix-1.oraclecloud.com/20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1&compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa&displayName=TeamXInstances&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q";
pub(crate) const VECTOR_GET_SIGNING_STRING: &str = "date: Thu, 05 Jan 2014 21:31:40 GMT\n(request-target): get /20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1&compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa&displayName=TeamXInstances&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q\nhost: iaas.us-phoenix-1.oraclecloud.com";
pub(crate) const VECTOR_GET_SIGNATURE: &str = "GBas7grhyrhSKHP6AVIj/h5/Vp8bd/peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/kiITcZxa1oHPOeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M=";
pub(crate) const VECTOR_GET_AUTHORIZATION: &str = "Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq/ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq/20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\",algorithm=\"rsa-sha256\",signature=\"GBas7grhyrhSKHP6AVIj/h5/Vp8bd/peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/kiITcZxa1oHPOeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M=\"";
pub(crate) const VECTOR_POST_URL: &str =
    "https://iaas.us-phoenix-1.oraclecloud.com/20160918/volumeAttachments";
pub(crate) const VECTOR_POST_BODY: &str = concat!(
    "{\n",
    "    \"compartmentId\": \"ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa\",\n",
    "    \"instanceId\": \"ocid1.instance.oc1.phx.abuw4ljrlsfiqw6vzzxb43vyypt4pkodawglp3wqxjqofakrwvou52gb6s5a\",\n",
    "    \"volumeId\": \"ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q\"\n",
    "}",
);
pub(crate) const VECTOR_POST_SHA256: &str = "V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=";
pub(crate) const VECTOR_POST_SIGNING_STRING: &str = "date: Thu, 05 Jan 2014 21:31:40 GMT\n(request-target): post /20160918/volumeAttachments\nhost: iaas.us-phoenix-1.oraclecloud.com\ncontent-length: 316\ncontent-type: application/json\nx-content-sha256: V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=";
pub(crate) const VECTOR_POST_SIGNATURE: &str = "Mje8vIDPlwIHmD/cTDwRxE7HaAvBg16JnVcsuqaNRim23fFPgQfLoOOxae6WqKb1uPjYEl0qIdazWaBy/Ml8DRhqlocMwoSXv0fbukP8J5N80LCmzT/FFBvIvTB91XuXI3hYfP9Zt1l7S6ieVadHUfqBedWH0itrtPJBgKmrWso=";

// A throwaway 2048-bit key generated for these tests only
// (`openssl genrsa -traditional 2048`, then `openssl pkcs8 -topk8
// -nocrypt`), and its signatures of Oracle's two signing strings made
// with `openssl dgst -sha256 -sign`.
pub(crate) const TEST_KEY_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEAyTCquwy+Urv/jC2jdineI+jxYNW8WmIkdANIKPJVFrOkxu5y
6cLb1ZNevh0n0f4b8s8fXlAro4aDk7GQ5VaaB5wWfAZHX/bOpWdE7zw0Q2MW1plR
izJU7NYi8SqmnV5k3l53U6kARyHo6RvWWspE8m4M0SL03JJOVquZAJOSvvEIX6Ea
/ZgFg21I4bVUwXN4xWklpiVe60KYjLYvAoXY609+ydVs4kUhOegj9yHMHxY8tOUi
ZP8x67OU/PDz5R+sUrpNS3rSvChT9Yhq9HWYw/MY1q9ST7p4QHYWYYzl0wO/ytUj
GWlWgqdNG+lqD4neOJzfcFQfnDwBzXEGTS2V5wIDAQABAoIBAD0rlN1mVH+nNV2T
ir2koSvd6XX9xlTcviSf0tLQS1qpqBHr8fhtDJX1Rrsa9j58ulaq7uioC3yeq2a+
eEWifRaPOK7g4dalndLggS8T6PgMKqd42jguR2/y85DL3Pi/+H87zaAcJD98aepm
UlgsY6YqG6+Cp1xhB3yGk/B+7gErkYPPyGizAfus9pJ5EdC3PLbuPH5VLm3cueQX
ZmVb6UzWT61g4HTmzW8JVMmuqpiQUsOmlfcJe2abiTdzxtmtkz33+eSkf/aBdQlL
PioMDzV4hXxGRvjo6LxRqH9YqwUgDfEg5EM69EV6SV7E4xZWpklOAdFedHoCsmka
5G9dIrECgYEA8t1rUQNbeGsmvPlbIP041btwqoBrmvilFwPRuFd7NnjPoESBgL+Y
oZvopUFPqJEqjOn1pnvjGd68LVjF9qe+sjiYQQLwq89hTM3An9txH2Ffc4KTKV0T
jBAfRf2//ERYhuuVmvACdoghN4NG0NmjdOLsBKE0OwJoq9tgnKekO3UCgYEA1BI9
cXo7LjhHi6HZhIDRPjWWsWh1vaOWi7mlJQZvWcw0uu/nY3dZPf55Iz+a1up2ZbbT
GI12aBBfMIM9YgxsmuHLM05koSS5G2tNsoREDabTiYQpr2utZv7YaNNnpLJ5VZV+
G3G+WOt1k8VrGVYMRyku5nuPikBDXF8zNbAaTGsCgYEAt4oOKFNZNVAFHptz+yJj
aWMWakRTDfMLELGaNK4oN6plfsFG/X3OY5Pn5bvN756FgajuNLs7jbl+jOah9R4g
R5/tsHQAXleDOP/lqum0O/rin/D2NjRZKWilucdi58re/Ffd4BGyStHmCIX1ZrCT
jypPI9CQIGhZokdQZBNtUmECgYEAhnludseQQVW0oGkn+eqJRE5M2QApMPBLpRw6
CQlUkHd5tFQtwJfMghAcFmrdr4wLOaI9p2MEgyZmheeig8rnDytAY69BBiG4MxfO
s/VFBfcUSi4BFNhNo3LUHVx4ayo04D0kMxjkH5RnASX9LJqwvGrz73jIY10umaNQ
YKnjczMCgYEAltZ5dyl7P1dbnIo7LyfcHyxAm1q3bbPbAa1ax0n+7xKGXgCv8tio
1z3lt6PKPPvX6HSBfegBLIAAd/jrV/ZWvg4JLV3hQkElnOBMx05ZSL49NZuKl4Lv
z+5ELOtzof+RcOcgYaMFCF3I4Z/bjc1ErNpGoqPNpkOXRoAwRySWQ+k=
-----END RSA PRIVATE KEY-----
";
pub(crate) const TEST_KEY_PKCS8: &str = "-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDJMKq7DL5Su/+M
LaN2Kd4j6PFg1bxaYiR0A0go8lUWs6TG7nLpwtvVk16+HSfR/hvyzx9eUCujhoOT
sZDlVpoHnBZ8Bkdf9s6lZ0TvPDRDYxbWmVGLMlTs1iLxKqadXmTeXndTqQBHIejp
G9ZaykTybgzRIvTckk5Wq5kAk5K+8QhfoRr9mAWDbUjhtVTBc3jFaSWmJV7rQpiM
ti8ChdjrT37J1WziRSE56CP3IcwfFjy05SJk/zHrs5T88PPlH6xSuk1LetK8KFP1
iGr0dZjD8xjWr1JPunhAdhZhjOXTA7/K1SMZaVaCp00b6WoPid44nN9wVB+cPAHN
cQZNLZXnAgMBAAECggEAPSuU3WZUf6c1XZOKvaShK93pdf3GVNy+JJ/S0tBLWqmo
Eevx+G0MlfVGuxr2Pny6Vqru6KgLfJ6rZr54RaJ9Fo84ruDh1qWd0uCBLxPo+Awq
p3jaOC5Hb/LzkMvc+L/4fzvNoBwkP3xp6mZSWCxjpiobr4KnXGEHfIaT8H7uASuR
g8/IaLMB+6z2knkR0Lc8tu48flUubdy55BdmZVvpTNZPrWDgdObNbwlUya6qmJBS
w6aV9wl7ZpuJN3PG2a2TPff55KR/9oF1CUs+KgwPNXiFfEZG+OjovFGof1irBSAN
8SDkQzr0RXpJXsTjFlamSU4B0V50egKyaRrkb10isQKBgQDy3WtRA1t4aya8+Vsg
/TjVu3CqgGua+KUXA9G4V3s2eM+gRIGAv5ihm+ilQU+okSqM6fWme+MZ3rwtWMX2
p76yOJhBAvCrz2FMzcCf23EfYV9zgpMpXROMEB9F/b/8RFiG65Wa8AJ2iCE3g0bQ
2aN04uwEoTQ7Amir22Ccp6Q7dQKBgQDUEj1xejsuOEeLodmEgNE+NZaxaHW9o5aL
uaUlBm9ZzDS67+djd1k9/nkjP5rW6nZlttMYjXZoEF8wgz1iDGya4cszTmShJLkb
a02yhEQNptOJhCmva61m/tho02eksnlVlX4bcb5Y63WTxWsZVgxHKS7me4+KQENc
XzM1sBpMawKBgQC3ig4oU1k1UAUem3P7ImNpYxZqRFMN8wsQsZo0rig3qmV+wUb9
fc5jk+flu83vnoWBqO40uzuNuX6M5qH1HiBHn+2wdABeV4M4/+Wq6bQ7+uKf8PY2
NFkpaKW5x2Lnyt78V93gEbJK0eYIhfVmsJOPKk8j0JAgaFmiR1BkE21SYQKBgQCG
eW52x5BBVbSgaSf56olETkzZACkw8EulHDoJCVSQd3m0VC3Al8yCEBwWat2vjAs5
oj2nYwSDJmaF56KDyucPK0Bjr0EGIbgzF86z9UUF9xRKLgEU2E2jctQdXHhrKjTg
PSQzGOQflGcBJf0smrC8avPveMhjXS6Zo1BgqeNzMwKBgQCW1nl3KXs/V1ucijsv
J9wfLECbWrdts9sBrVrHSf7vEoZeAK/y2KjXPeW3o8o8+9fodIF96AEsgAB3+OtX
9la+DgktXeFCQSWc4EzHTllIvj01m4qXgu/P7kQs63Oh/5Fw5yBhowUIXcjhn9uN
zUSs2kaio82mQ5dGgDBHJJZD6Q==
-----END PRIVATE KEY-----
";
pub(crate) const TEST_KEY_GET_SIGNATURE: &str = "OgCZMViNcqtiY5CKrGTTgji+y0MB1/cwfop6yzcokQPBzqaFLSnbzclxKgczk1JnaEwwymr6mxXOZR00L4eTcW1VmURZWxJ6qU7eXpu+G9udg4zPLcObOMnOpqYdInzbAUqgQsDqrQLAtH+W4fTTt0rfyCpMVnr8yuFk1Ti0hThdANCbTP79V1TBKWa1Quct9CZRrQ68J5V12HDaod09VgurDdSjSF12agE2TvU9qHY/RYhx3iZtIz/OMaBr4twYjAR+2Q+68Z8ImeZe5QEgr+FCUzX4HHZUZqkB5oFkSzUeYpS8uIyONaLCUQwq6cdpck4uJlkjgvSJEomvibspnw==";
pub(crate) const TEST_KEY_POST_SIGNATURE: &str = "R0tCHO7vWNDhUv1Wfht3MPm6ynqLt/CYm/0Er73jtVBzEYHXLcEQDQIk/vzSZdH1FKxAma7Q6lhwYpmH3+oBQr5C4yViKiNVWlFc9d6dHvEdDxlVYzlN/3XCiLLkJu/H3YQMN/sm28G4u9HEvWxM0t5biUg3kqvWoxDz3FcrKLcvH8cHleYK1u2KFaBRuirUceD13SmVmh3AaGvdu4FQHaONCYMotzwR0CoGjrJul/GLkO6TKETTidwoF/gfNce9Z0UOzxrU4ko4UoNDNpFKZjSYdS1r8+HDGjn224vk1vFOaHVXZd90dMZMl5WaXA1wbG5HItveMejSy6wGRAvO0g==";

// Oracle's instance-principal test material: oci-go-sdk
// common/auth/federation_client_test.go (oracle/oci-go-sdk @
// 7ce2eb7c4688c212b7d1bdf8e7c759f52477cffa): a leaf certificate whose
// subject names the tenancy in `opc-tenant:`, its 2048-bit key, an
// intermediate certificate, the leaf's SHA-256 fingerprint, a session
// public key and the token the test federation server returns.
pub(crate) const ORACLE_LEAF_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIEfzCCA2egAwIBAgIRAJNzEqD3n5To66H1rEDhKyMwDQYJKoZIhvcNAQELBQAw
gfgxgccwHAYDVQQLExVvcGMtY2VydHR5cGU6aW5zdGFuY2UwKgYDVQQLEyNvcGMt
aW5zdGFuY2Uub2NpZDEucGh4LmJsdWhibHVoYmx1aDA5BgNVBAsTMm9wYy1jb21w
YXJ0bWVudDpvY2lkMS5jb21wYXJ0bWVudC5vYzEuYmx1aGJsdWhibHVoMEAGA1UE
CxM5b3BjLXRlbmFudDpvY2lkdjE6dGVuYW5jeTpvYzE6cGh4OjEyMzQ1Njc4OTA6
Ymx1aGJsdWhibHVoMSwwKgYDVQQDEyNvY2lkMS5pbnN0YW5jZS5vYzEucGh4LmJs
dWhibHVoYmx1aDAeFw0xNzExMzAwMDA4MzRaFw0xODExMzAwMDA4MzRaMIH4MYHH
MBwGA1UECxMVb3BjLWNlcnR0eXBlOmluc3RhbmNlMCoGA1UECxMjb3BjLWluc3Rh
bmNlLm9jaWQxLnBoeC5ibHVoYmx1aGJsdWgwOQYDVQQLEzJvcGMtY29tcGFydG1l
bnQ6b2NpZDEuY29tcGFydG1lbnQub2MxLmJsdWhibHVoYmx1aDBABgNVBAsTOW9w
Yy10ZW5hbnQ6b2NpZHYxOnRlbmFuY3k6b2MxOnBoeDoxMjM0NTY3ODkwOmJsdWhi
bHVoYmx1aDEsMCoGA1UEAxMjb2NpZDEuaW5zdGFuY2Uub2MxLnBoeC5ibHVoYmx1
aGJsdWgwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDOEGPhWFLIU/1w
gncMPddP01Mo80GEZ1h2A+QGC/1ha0gxp/yVNIi2rNwwjLiqtAGaMbGnVicaPpOm
uNiHWf92E2jwEcy2Q0kA+FwHINDjmzrjMgQFTI4MDIA0bLdZY9KX5CFqw3pwqkyC
KfsZRjUiOmlELbnCb7NQIyd5t3zZfgFv6EOFW4qPdTHrr5Gql1knpUNjUeYR4ZxI
BB6NIxBV3Dm3PRDClP/2/Q5zwsZepRYmWyBe6WsfIvB86x5xH19CGe4HGYrNr1YF
+q9+iDb8PuLfr+gxW7PJPo/TxBgdko0h981nPYzbju9eVa2KKjK6fmzjSvNkgJWn
11ngT5mBAgMBAAGjAjAAMA0GCSqGSIb3DQEBCwUAA4IBAQANjXNFgZ+q/OGZ4bBY
uyFUU/yWz+BtkTzukZa7HT78w4qVE+Gjunc9ad5D2Afr+qTl4sazTTVWTI+KyRJW
5aHWwTUSXSwYrUOQbV0rktLbS4vJggVnU50Y8pdaXq1q+3B4t1DIJwrN2sWu3krA
bQKgOQzEUwm2OZJf0lPA9bp+HVv0iA17wUazgvHVPt/93Yr8e1VQT43ygG990KIT
gipcAk/44ONyBS8W8QRhzpuErEHCcSR+3+KBtwVZgzaVR6+mb5KFYFpXBrgs8YOe
P2X4jUFjRbpUMbNi9Q6V8mAzejPc8Hqk3116Fpl62PGiW802n4CMtDXYxawJSRxV
WO1p
-----END CERTIFICATE-----
";
pub(crate) const ORACLE_LEAF_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAzhBj4VhSyFP9cIJ3DD3XT9NTKPNBhGdYdgPkBgv9YWtIMaf8
lTSItqzcMIy4qrQBmjGxp1YnGj6TprjYh1n/dhNo8BHMtkNJAPhcByDQ45s64zIE
BUyODAyANGy3WWPSl+QhasN6cKpMgin7GUY1IjppRC25wm+zUCMnebd82X4Bb+hD
hVuKj3Ux66+RqpdZJ6VDY1HmEeGcSAQejSMQVdw5tz0QwpT/9v0Oc8LGXqUWJlsg
XulrHyLwfOsecR9fQhnuBxmKza9WBfqvfog2/D7i36/oMVuzyT6P08QYHZKNIffN
Zz2M247vXlWtiioyun5s40rzZICVp9dZ4E+ZgQIDAQABAoIBAQCdvLAoVIrx7FEp
6cSla0VBRrv2sdbqOo3dsPbApjbsdsoJsNTJhjBM3Z+jzmShzy8W0Il0VZ+TGGnA
Cuk9GuhRg2QluQpiTrk4c+VGU5lzUWVPev7W65YkpQESoFHtrFsNiEUIS+CTE9mD
Hg2neDW+IMZpuTLkIss5Qd+67Xk1pj19CtHfWVbeqc7B9DPAZa4CBCVsWFPhaiyv
tsz/PJKFDDXllgrQaAyCK1gyrKR4q4noARKhOcfMUPFFTK+1lPqLxLlkQbfr/T5n
izhXHsf1e8cK0gFIa5iE3acaxwbsuFcIDlYEqWiTGxIYk2mXNz7uXlY8QpkbDHQR
z1RFTjABAoGBAPa1g/mFvhYzCZnKOskDyAyZikZqZgTlLtXMoxKhGBsZU072xUQl
Z6USrRy+00rbn8ankkjZRqOnVc6jAi0mvfyVLYMG96q8jN24RwUD52IPKWpHS/BK
LUbQlkg9ajASQm5qt83AU6czdW5X/8nxsV4uOpEML5bsI4s/SfKFLtxBAoGBANXT
BaukiAQSCUDHjXFaLnt/rbdhfhFjflzCbNDCF/Ym3nqCHDL8uHOtAIkCY5LwGKxd
xL2wd81M10Dld+WOtzdt4VVibhT3NfYScr3aa5o3GoUznfkgJsBKP2TE1/NyC1lF
LTgpgu2uU7j8TjvXyQMjzmK38vbfQv6b6V0bIm1BAoGAaQnpcdCGmS8LtGXM1477
mpm4rLhaTVVCtpaVC7Z46/jBZopcfOIsGbU07Vs13NZbVZo9BzUzBTSWrQ7sO0sW
crcVFIdf5Vq34yK1YiZCWpa3/F70rw717gObKJC1aFgt3pMjRL/RHgwjwGJJLrLv
4HhwSRdWH7zUeVHt6wrXY8ECgYBmfwQN1g2ZHegvlDh56Ie1jWuBJwueXDn7TvuI
SjHgPZuR0AKickAcuwYxpuKCUfMR1NT1NL0IvVfFdPm3IWUz/cjw/ADWrfXA4fD8
jtHbl6Rvy2FjRQUuUaj3rd/yg21rOlzFuihXtKPPXapGx1ZE2goZiiG+MyFTGPuR
NOuYwQKBgDH+p2Ec/CZ5lFJYqqGBVR7fESBBeqpxr6UgfO8NBIXGuL5CCi5iCK07
hKG53Vba9OYmWWmVVYdTTjUBoG6ObqLbgzfNbkF1E70ShPoWO+6WZYpaMuO/2DjA
ysvMnQwaC0432ceRJ3r6vPAI2EPRd9KOE7Va1IFNJNmOuIkmRx8t
-----END RSA PRIVATE KEY-----
";
pub(crate) const ORACLE_INTERMEDIATE_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIC4TCCAcmgAwIBAgIRAK7jQKVEO6ssUBICuPw4OwQwDQYJKoZIhvcNAQELBQAw
KjEoMCYGA1UEAxMfUEtJU1ZDIElkZW50aXR5IEludGVybWVkaWF0ZSByMjAeFw0x
NzExMzAwMDE0MDhaFw0xODExMzAwMDE0MDhaMCoxKDAmBgNVBAMTH1BLSVNWQyBJ
ZGVudGl0eSBJbnRlcm1lZGlhdGUgcjIwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAw
ggEKAoIBAQCj06NzfxfPYK6BLDKiD3tb6YLCi/XsksdBFpBsfp77eE0Wc8d6Te9M
fVaAswknpmxl4idHar7vIvJDtXq8U7UwyM75di3eMp46QR1UtmhzvCRRCQrj7uKX
ax1tAg73CJ/364YKIZpXc5p4ngOLb6bsyvd81oNDvnRXBFo3nIOpL451DiuIQGrt
6xa1wDGczvlbmTkecWH/ncIyy8JveaTsTbWfLTOgneeZEOj0OJm4eg6fudXQwqQX
TrQJTq7Nnsr1zV4eA0FVy+qVqIlGiloZHKSWkzO6ubIVmLBkKg4BXwV+zC3Lm+pW
w9U+pBoRnt5FjVHLK9U2NgfT2vTOO6G5AgMBAAGjAjAAMA0GCSqGSIb3DQEBCwUA
A4IBAQAwYegxBGNQUKTQT1OYPO6bBogzonzknPRyRcHoPdcisTUnq1EFwxz6PVrv
2cU+MrljCYblhFgnsUiwVTwBM8Eqb88HU/+8wbOyNtIc8EO4CjD7r1IU9hTv8CET
DB2LhVHN0ADwbvHGpUjC6uyyMG+5ZT+fTssx9ukCMO8hJNi2P8tBU0KGJAc0HoWV
4fEVcp0GPcXZ5IAnQfsfF4cV6DKSXGmeRZozDDlIPnWtD0f9rc3sqRtERIYS8ReS
NwVA90jrn5mKp+9B8L+o6e8qHNGoFOCY9MlM8UCqeH+wI7xUliNS9RkkYjKFg9ao
gAv8TMjAPcdnYRUXgs3UAxJQSgtB
-----END CERTIFICATE-----
";
pub(crate) const ORACLE_LEAF_FINGERPRINT: &str = "0c:1e:d8:13:80:d4:30:cc:2c:62:13:57:2a:fe:d5:4e:75:be:54:32:59:12:8f:2f:96:78:f8:b1:f3:62:78:bc";
pub(crate) const ORACLE_TENANCY: &str = "ocidv1:tenancy:oc1:phx:1234567890:bluhbluhbluh";
pub(crate) const ORACLE_SESSION_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyQn1VgH+aBOfN8PfN6WU
ZOyiGWbozd1WaxDyP/rYCPJJIinKupp1ZcissN+A2dgcknQqJteX9XWYz31WzeAk
NEVAi9R4ZnrP0u/4921ZWmiCKIqBVxSWGE+PJcHUWJRSFNS1mQcX//UjwEYNPDKV
tPcwQqt7CYTxL77YFy0Z+s9WUmZaOJakgrCLSokeQBWdi0JibYp1mZPZv6pqsIm9
X86ef1hXyNjvEQRxuf1Bx96Y32m7FjsD251XeOEzzdESCa90Z+bHN6k7wsTRrU79
dYZF0puZUEmHID4xIF5AprOHVarrhawiddwayMQWH7GZuVzhJ2Z/Q4CK2DneR8Lr
fwIDAQAB
-----END PUBLIC KEY-----
";
/// `exp` 1511838793 (27 November 2017).
pub(crate) const ORACLE_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImFzdyIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJvcGMub3JhY2xlLmNvbSIsImV4cCI6MTUxMTgzODc5MywiaWF0IjoxNTExODE3MTkzLCJpc3MiOiJhdXRoU2VydmljZS5vcmFjbGUuY29tIiwib3BjLWNlcnR0eXBlIjoiaW5zdGFuY2UiLCJvcGMtY29tcGFydG1lbnQiOiJvY2lkMS5jb21wYXJ0bWVudC5vYzEuLmJsdWhibHVoYmx1aCIsIm9wYy1pbnN0YW5jZSI6Im9jaWQxLmluc3RhbmNlLm9jMS5waHguYmx1aGJsdWhibHVoIiwib3BjLXRlbmFudCI6Im9jaWR2MTp0ZW5hbmN5Om9jMTpwaHg6MTIzNDU2Nzg5MDpibHVoYmx1aGJsdWgiLCJwdHlwZSI6Imluc3RhbmNlIiwic3ViIjoib2NpZDEuaW5zdGFuY2Uub2MxLnBoeC5ibHVoYmx1aGJsdWgiLCJ0ZW5hbnQiOiJvY2lkdjE6dGVuYW5jeTpvYzE6cGh4OjEyMzQ1Njc4OTA6Ymx1aGJsdWhibHVoIiwidHR5cGUiOiJ4NTA5In0.zen7q2yJSpMjzH4ym_H7VEwZA0-vTT4Wcild-HRfLxX6A1ej4tlpACa7A24j5JoZYI4mHooZVJ8e7ZezFenK0zZx5j8RbIjsqJKwroYXExOiBXLCUwMWOLXIndEsUzzGLqnPfKHXd80vrhMLmtkVTCJqBMzvPUSYkH_ciWgmjP9m0YETdQ9ifghkADhZGt9IlnOswg0s3Bx9ASwxFZEtom0BmU9GwEuITTTZfKvndk785BlNeZMOjhovaD97-LYpv5B_PiWEz8zialK5zxjijLCw06zyA8CQRQqmVCagNUPilfz_BcPyImzvFDuzQcPyDkTcsB7weX35tafHmA_Ulg";

/// A certificate made for these tests (`openssl req` / `openssl x509 -req`,
/// version 1, UTF8String attributes) whose subject names the tenancy in
/// `opc-identity:` and whose issuer has an `opc-tenant:` that must be
/// ignored.
pub(crate) const IDENTITY_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIDWzCCAkMCFHZHLvBHjVkFexbNEw3T9KKcGyWzMA0GCSqGSIb3DQEBCwUAMFcx
GjAYBgNVBAMMEVRlc3QgSW50ZXJtZWRpYXRlMTkwNwYDVQQLDDBvcGMtdGVuYW50
Om9jaWQxLnRlbmFuY3kub2MxLi5pc3N1ZXItbm90LXN1YmplY3QwHhcNMjYxMjAx
MjA0NzI3WhcNMzYxMTI4MjA0NzI3WjB9MSQwIgYDVQQDDBtvY2lkMS5pbnN0YW5j
ZS5vYzEuaWFkLnRlc3QxHjAcBgNVBAsMFW9wYy1jZXJ0dHlwZTppbnN0YW5jZTE1
MDMGA1UECwwsb3BjLWlkZW50aXR5Om9jaWQxLnRlbmFuY3kub2MxLi5pZGVudGl0
eXRlc3QwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCt8GPMzooQ7Omt
lk/eT0jYEehwVQhfchjUCaSrYElt3OVQg6ODdyJBWtu/k0+BqvGp0Bez/CFlRTqo
BH+RNlh2MlG6CPYJMZKebH74AeJYxIZ8xMq306SX2CnI2WNzdno4b2qHKxSZ8kDB
pdoIJabjdR/KjmPtCDjFJu3CzIyjdfLdJLcZc/7pwJiPZIZzhAqacKt6Z7dANTY5
BDKKBfd7V9mhWV6k22Mt11L03nBQp4o4IINZBLeE6HQackUaV8fLPmrAbYE6l2kQ
V40f3THdhIqyk1YYoPej/OQDU1Uevpqtiv6TJboPq99doPqx5Ok5in1RYpzPjyoV
gSuKXRE/AgMBAAEwDQYJKoZIhvcNAQELBQADggEBAD/30HirT3NclrLAKY1+b63S
Ds83qt0LHm1Ui29rQuqV1UNbv7a6ND0dF3R1b2gx0hUdvbR+zZLakVN5SeE3WlZx
1oCgxj3Tmplaogj3TmBOz5lDFIKau9B0TxPkPLh9SgAcT/WRR5kCc9l5aZrrb+3r
CJd5qGJnamIsmpoPxCmKAjwUS++s9//JPKs5KZ0azqX+Wjd08A+BzKXruBufXIl/
htIFHzBJ8/3HPV6rPRyFW7pyvrkDfRZ5Iae++PHz2sCGBcRiYJ92dVTWQZB1isU2
z7WB2qlUlj5+P137MCU5XOq6xIO2/IkVAcYmDlSVX8sbOwTbtClXY3QS9/90Jxk=
-----END CERTIFICATE-----
";
pub(crate) const IDENTITY_CERT_TENANCY: &str = "ocid1.tenancy.oc1..identitytest";
/// `openssl x509 -noout -fingerprint -sha256`, lower-cased.
pub(crate) const IDENTITY_CERT_FINGERPRINT: &str = "d2:19:be:a9:76:a7:7f:ee:38:c3:2a:59:ef:49:32:7a:c5:f3:7f:cd:74:90:98:16:85:55:bf:ae:b5:43:a0:4c";

/// A signer with the 1024-bit vector key (test-only RSA) and `key_id`.
pub(crate) fn vector_signer_with_key_id(pem: &str, key_id: &str) -> Signer {
    Signer::from_parts(
        key_id.to_owned(),
        Arc::new(SigningKey::Reference(ReferenceRsa::from_pem(pem))),
        HeaderSet::Standard,
    )
}

/// The vector key with Oracle's vector key id.
pub(crate) fn vector_signer(pem: &str) -> Signer {
    vector_signer_with_key_id(
        pem,
        &format!("{VECTOR_TENANCY}/{VECTOR_USER}/{VECTOR_FINGERPRINT}"),
    )
}

/// An API-key signer with a 2048-bit test key.
pub(crate) fn test_signer(pem: &str) -> Signer {
    Signer::new(VECTOR_TENANCY, VECTOR_USER, VECTOR_FINGERPRINT, pem).expect("test key")
}

pub(crate) fn get_request() -> Request {
    Request::new(Method::GET, Url::parse(VECTOR_GET_URL).unwrap())
}

pub(crate) fn post_request() -> Request {
    let mut request = Request::new(Method::POST, Url::parse(VECTOR_POST_URL).unwrap());
    *request.body_mut() = Some(VECTOR_POST_BODY.into());
    request
}

pub(crate) fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    request.headers().get(name).unwrap().to_str().unwrap()
}

pub(crate) fn signature_of(authorization: &str) -> &str {
    let start = authorization.find("signature=\"").unwrap() + "signature=\"".len();
    authorization[start..].strip_suffix('"').unwrap()
}

pub(crate) fn key_id_of(authorization: &str) -> &str {
    let start = authorization.find("keyId=\"").unwrap() + "keyId=\"".len();
    let rest = &authorization[start..];
    &rest[..rest.find('"').unwrap()]
}

pub(crate) fn vector_date() -> HeaderValue {
    HeaderValue::from_static(VECTOR_DATE)
}

/// Fails if `text` contains any 8-character run of the base64 body of `pem`.
pub(crate) fn assert_no_key_material(text: &str, pem: &str) {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    for start in 0..body.len() - 8 {
        let chunk = &body[start..start + 8];
        assert!(!text.contains(chunk), "leaks key material {chunk:?}");
    }
}

/// An unsigned JWT whose payload is `{"exp": exp, ...claims}`.
pub(crate) fn token(exp: SystemTime, claims: &[(&str, &str)]) -> String {
    let mut payload = serde_json::Map::new();
    let exp = exp
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    payload.insert("exp".to_owned(), exp.into());
    for (name, value) in claims {
        payload.insert((*name).to_owned(), (*value).into());
    }
    let encode = |value: &serde_json::Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        encode(&serde_json::json!({"alg": "RS256", "typ": "JWT"})),
        encode(&serde_json::Value::Object(payload))
    )
}

/// A fresh directory under the system temporary directory.
pub(crate) fn temp_dir(name: &str) -> std::path::PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("oci-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
