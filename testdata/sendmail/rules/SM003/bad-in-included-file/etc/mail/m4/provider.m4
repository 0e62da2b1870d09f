dnl written by sendmailconfig
define(`SMART_HOST', `smtp.example.net')dnl
