#ifndef FOLIO_CQRENCODE_SHIM_H
#define FOLIO_CQRENCODE_SHIM_H
// libqrencode (Debian's libqrencode-dev 4.1): the QR code on each printed receipt.
#include <qrencode.h>
#endif
