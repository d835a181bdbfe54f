# gunicorn -c docs/deploy/gunicorn.conf.py tandem.wsgi
# The access log redacts one-time links (rater links, password set-up, calendar feeds,
# unsubscribe links): their secret is in the path, and a log line is not the place for it.
from tandem.core.logs import gunicorn_logger_class

bind = "127.0.0.1:8000"
workers = 3
accesslog = "-"
logger_class = gunicorn_logger_class()
# No query string and no user agent; the path (redacted), status, size and duration.
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
