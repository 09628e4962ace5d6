"""Course discussions and Q&A: threads, threaded replies, best answers, upvotes, followers,
reports, and the instructors' queue of unanswered questions."""
