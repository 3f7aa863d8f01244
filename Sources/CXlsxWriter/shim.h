#ifndef FOLIO_CXLSXWRITER_SHIM_H
#define FOLIO_CXLSXWRITER_SHIM_H
// libxlsxwriter (Debian's libxlsxwriter-dev 1.1.4): the .xlsx workbooks of the office reports and `folio status`.
#include <xlsxwriter.h>
#endif
